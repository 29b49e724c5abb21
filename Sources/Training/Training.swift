// Training
//
// Run configs, stages, schedules, the training loop, checkpoints and resume.
