# Entry point of src/model/formats/nix-eval.ts:
#   nix-instantiate --eval --strict --json load.nix --argstr kind K --argstr file F ...
# Evaluates one model file the way the original dydisnix-xml does (toXML.nix) and returns its JSON
# shape. The infrastructure a distribution function needs comes from TS as JSON (already loaded
# and validated), inline or, when large, through a file (argv strings are limited to 128 KiB).
{ kind
, file
, extraParams ? { }
, infrastructureJSON ? null
, infrastructureJSONFile ? null
, defaultTargetProperty ? "hostname"
}:

let
  b = builtins;
  env = import ./env.nix;
  models = import ./models.nix;

  model = import file;

  # Checked even when no function would use it: a wrong option deserves an error, not silence.
  extraChecked = b.isAttrs extraParams
    || throw "dydisnix: --extra-params: must be an attribute set, got ${b.typeOf extraParams}";
  extra = f: b.intersectAttrs (b.functionArgs f) extraParams;

  infrastructure =
    if infrastructureJSON != null then b.fromJSON infrastructureJSON
    else if infrastructureJSONFile != null then b.fromJSON (b.readFile infrastructureJSONFile)
    else null;

  # Exactly the call of the original: the four defaults, plus the extra params the function declares.
  services =
    if b.isFunction model then
      model ({ distribution = { }; invDistribution = { }; inherit (env) system pkgs; } // extra model)
    else model;

  distribution =
    if b.isFunction model then
      model ({
        infrastructure = if infrastructure != null then infrastructure
          else throw "dydisnix: the distribution model is a function of the infrastructure: an infrastructure model is needed";
      } // extra model)
    else model;

  # Plain models are attrsets; a function (e.g. `{ system ? … }: …`) gets what it asks for of these.
  plain =
    if b.isFunction model then
      model (b.intersectAttrs (b.functionArgs model) { inherit (env) system pkgs lib; })
    else model;

  kinds = {
    services = models.servicesShape services;
    distribution = models.distributionShape { inherit distribution infrastructure defaultTargetProperty; };
    infrastructure = models.normalise plain;
    idresources = models.normalise plain;
    ids = models.normalise plain;
    docs = models.normalise plain;
  };
in
b.seq extraChecked (kinds.${kind} or (throw "dydisnix: unknown model kind `${kind}'"))
