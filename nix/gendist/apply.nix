# Calls one catalogue filter with concrete arguments (an operation "nix" carried out by dydisnix).
{ inputFile, filtersFile, filter, argsFile, jsFilterNames ? "[]" }:
let
  b = builtins;
  c = import ./common.nix { inherit inputFile filtersFile jsFilterNames; };
  call = b.fromJSON (b.readFile argsFile);
  args = call.args // b.listToAttrs (map (n: { name = n; value = c.runModels.${n}; }) call.models);
in
if c.custom ? ${filter} then c.custom.${filter} args
else throw "dydisnix: the filters catalogue has no filter `${filter}'"
