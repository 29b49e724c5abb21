// Tokenizer
//
// Byte-level BPE: training, encoding, decoding, Hugging Face tokenizer.json IO.
