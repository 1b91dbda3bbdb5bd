  // The invocation's 4 x 4 block of its workgroup's (4 WGY) x (4 WGX) tile: rows {R}s,
  // WGY apart, and columns {C}s, WGX apart (so neighbouring invocations touch neighbouring
  // addresses); an invocation whose first row or column is out of range returns.
  let {R}0 = tileM * WGY * 4u + lid.y;
  let {C}0 = tileN * WGX * 4u + lid.x;
  if ({R}0 >= {M} || {C}0 >= {N}) { return; }

  let {R}s = vec4<u32>({R}0, {R}0 + WGY, {R}0 + 2u * WGY, {R}0 + 3u * WGY);
  let {C}s = vec4<u32>({C}0, {C}0 + WGX, {C}0 + 2u * WGX, {C}0 + 3u * WGX);
