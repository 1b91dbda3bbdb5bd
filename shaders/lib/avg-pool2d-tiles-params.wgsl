// Average pooling whose KH x KW windows tile the input exactly (avg-pool2d-tiles.wgsl and
// its backward): n outputs, each an outH x outW plane's pixel.
override KH: u32;
override KW: u32;

struct Params { n: u32, outH: u32, outW: u32 }
