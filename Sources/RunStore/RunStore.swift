// RunStore
//
// Run directories, the metrics log, and list / show / compare / plot over them.
