  // The invocation's 8 x 8 block of C: rows row0 .. row0 + 7 and vec4 columns colv0 and
  // colv0 + 1 (of nv); an invocation whose block starts out of range returns.
  let row0 = (tileM * WGY + lid.y) * 8u;
  let colv0 = (tileN * WGX + lid.x) * 2u;
  let nv = u.n / 4u;
  if (row0 >= u.m || colv0 >= nv) { return; }
  let kv = u.k / 4u;
