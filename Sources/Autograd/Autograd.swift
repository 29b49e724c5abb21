// Autograd
//
// Reverse-mode autograd over OpenBLAS: Float32 tensors, a tape, ops with their backward, AdamW.
