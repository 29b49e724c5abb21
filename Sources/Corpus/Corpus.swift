// Corpus
//
// Datasets: sources (directories, archives), filters, dedup, split, token shards, loaders, telemetry.
