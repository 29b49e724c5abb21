// Evaluation
//
// Eval suites, sampling, the sandbox, pass@k, thresholds and reports.
