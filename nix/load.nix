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
  # Deployment only (dydisnix-env): also turn each service's `pkg` into a path string.
, evaluatePkg ? false
  # kind "build" only: the services (a JSON list of names) whose derivation pkgs nix-build realises.
, buildNames ? "[]"
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
    let
      given = { inherit (env) system pkgs lib; };
      # Required arguments we cannot give mean the file is not this kind of model (e.g. a
      # services function passed as --ids): say that instead of Nix's "called without".
      missing = b.filter (arg: !(b.functionArgs model).${arg} && !(given ? ${arg})) (b.attrNames (b.functionArgs model));
    in
    if b.isFunction model then
      (if missing != [ ] then throw "dydisnix: the ${kind} model must be an attribute set, not a function of ${b.concatStringsSep ", " missing}"
       else model (b.intersectAttrs (b.functionArgs model) given))
    else model;

  # A pkg that is a path (or a string) names a component folder; a derivation (anything with an
  # outPath) is deployed as its output path, which src/deploy/realise.ts builds with kind "build".
  isBuildable = p: b.isAttrs p && p ? outPath;
  pkgPath = key: service:
    let p = service.pkg; in
    if b.isPath p || b.isString p then { pkg = toString p; }
    else if isBuildable p then { pkg = toString p.outPath; }
    else throw "dydisnix: services.${key}.pkg: to deploy, pkg must be a path to the component or a derivation (got ${b.typeOf p})";
  # name -> derivation, for the named services whose pkg is one (nix-build builds every attribute).
  buildable = b.listToAttrs (b.concatMap
    (name: let p = services.${name}.pkg or null; in if isBuildable p then [ { inherit name; value = p; } ] else [ ])
    (b.fromJSON buildNames));
  withPkgs = shaped: b.mapAttrs (key: s: if (services.${key} ? pkg) then s // pkgPath key services.${key} else s) shaped;

  kinds = {
    services = (if evaluatePkg then withPkgs else (s: s)) (models.servicesShape services);
    distribution = models.distributionShape { inherit distribution infrastructure defaultTargetProperty; };
    infrastructure = models.normalise plain;
    idresources = models.normalise plain;
    ids = models.normalise plain;
    docs = models.normalise plain;
    build = buildable;
  };
in
b.seq extraChecked (kinds.${kind} or (throw "dydisnix: unknown model kind `${kind}'"))
