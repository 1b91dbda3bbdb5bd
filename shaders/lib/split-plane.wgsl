  // Splits {I} over planes of {H} x {W} pixels ({AREA} each): plane {P}, pixel ({Y}, {X}).
  let {AREA} = {H} * {W};
  let {P} = {I} / {AREA};
  let rem = {I} - {P} * {AREA};
  let {Y} = rem / {W};
  let {X} = rem - {Y} * {W};
