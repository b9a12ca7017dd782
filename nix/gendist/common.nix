# What the QoS evaluation and the custom-filter calls share: the run's models (from TS, as JSON),
# `lib`, the reference filters and the catalogue (-F) merged over them.
{ inputFile, filtersFile ? null, jsFilterNames ? "[]" }:
let
  b = builtins;
  env = import ../env.nix;
  inherit (env) lib;
  input = b.fromJSON (b.readFile inputFile);
  inherit (input) services infrastructure initialDistribution previousDistribution;

  referenceFilters = import ./filters.nix {
    inherit services infrastructure previousDistribution;
    extraNames = b.fromJSON jsFilterNames;
  };

  # The original passes { pkgs, referenceFilters }; `lib` too when the catalogue asks for it.
  callWith = f: all:
    let formals = b.functionArgs f; in
    if formals == { } then f all else f (b.intersectAttrs formals all);

  isOp = v: b.isAttrs v && v ? __dydisnixOp;
  hasOps = args: b.isAttrs args && b.any (n: isOp args.${n}) (b.attrNames args);
  modelNames = [ "services" "infrastructure" "previousDistribution" ];
  runModels = { inherit services infrastructure previousDistribution; };

  # A catalogue filter that gets an operation (the result of another filter) cannot see the data yet:
  # it becomes an operation itself, which dydisnix carries out by calling it again with the data.
  wrap = name: f:
    if b.isAttrs f && f ? __dydisnixFilter then f
    else args:
      if hasOps args then
        let same = b.filter (n: args ? ${n} && args.${n} == runModels.${n}) modelNames; in
        { __dydisnixOp = "nix"; filter = name; args = b.removeAttrs args same; models = same; }
      else f args;

  custom =
    if filtersFile == null then { }
    else
      let catalogue = callWith (import filtersFile) { inherit (env) pkgs; inherit lib referenceFilters; }; in
      if b.isAttrs catalogue then b.mapAttrs wrap catalogue
      else throw "dydisnix: the filters catalogue must evaluate to an attribute set of filters, got ${b.typeOf catalogue}";

  filters = referenceFilters // custom;
in
{
  inherit lib services infrastructure initialDistribution previousDistribution filters custom callWith runModels;
  customNames = b.attrNames (b.removeAttrs custom (b.filter (n: b.isAttrs custom.${n} && custom.${n} ? __dydisnixFilter) (b.attrNames custom)));
}
