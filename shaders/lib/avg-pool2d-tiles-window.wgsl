  // Output row `row` (over all planes) covers input rows row*KH .. row*KH+KH-1 of width
  // w = outW*KW; the window of output {I} starts at input element `base`.
  let row = {I} / u.outW;
  let ox = {I} - row * u.outW;
  let w = u.outW * KW;
  let base = row * KH * w + ox * KW;
