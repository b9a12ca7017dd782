# Evaluates an augmentation model {infrastructure, lib}: <new infrastructure> (reference §2.6) on the
# infrastructure given by TS as JSON; returns the JSON shape of the result.
{ augmentFile, inputFile }:
let
  b = builtins;
  env = import ../env.nix;
  models = import ../models.nix;
  infrastructure = b.fromJSON (b.readFile inputFile);
  augment = import augmentFile;
  all = { inherit infrastructure; inherit (env) lib pkgs; };
  formals = if b.isFunction augment then b.functionArgs augment else { };
in
if !(b.isFunction augment) then throw "dydisnix: an augmentation model must be a function {infrastructure, lib}: …"
else models.normalise (augment (if formals == { } then all else b.intersectAttrs formals all))
