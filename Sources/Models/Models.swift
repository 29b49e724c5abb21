// Models
//
// The Mistral-style decoder, its config, initialisation, KV-cache inference and safetensors IO.
