// The second half of a two-sided Winograd transform: given the columns t0 .. t{K-1}
// (each A values, already mapped), row i of them goes through {F} and its A values are
// stored in {OUT} as the matrices xi = A i + j, at idx.
//#for i in 0..A
  var r{i}: array<f32, {K}>;
//#for j in 0..K
  r{i}[{j}] = t{j}[{i}];
//#end
  let e{i} = {F}(r{i});
//#for j in 0..A
  {OUT}[{A*i+j}u * stride + idx] = e{i}[{j}];
//#end
//#end
