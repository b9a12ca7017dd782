# Conversions of evaluated Nix models into their JSON shapes (docs/ARCHITECTURE.md), written so that
# `builtins.toJSON` of the result never fails and never forces a service's `pkg`.
let
  b = builtins;

  isDerivation = v: b.isAttrs v && (v.type or null) == "derivation";

  # Values without a JSON image in the models; the original's XML parser drops them too.
  keep = v: !(v == null || b.isFunction v || isDerivation v);

  dropUnkept = set: b.removeAttrs set (b.filter (n: !(keep set.${n})) (b.attrNames set));

  # Nix prints floats in JSON with 6 significant digits (123456789.123 becomes 1.23457e+08), so
  # a float travels exactly as mantissa * 2^exponent, two integers JSON carries exactly; nix-eval.ts
  # turns it back into the number. Doubling and halving a float are exact.
  exactFloat = f:
    let
      go = m: e:
        if m >= 9007199254740992.0 then go (m / 2) (e + 1)
        else if b.floor m != m then go (m * 2) (e - 1)
        else { m = b.floor m; inherit e; };
      abs = if f < 0 then -f else f;
      parts = go abs 0;
    in
    if f != f || (abs > 1.0 && abs * 2 == abs) then throw "dydisnix: a float that is not a finite number"
    else { __dydisnixFloat = [ (if f < 0 then -parts.m else parts.m) parts.e ]; };

  # Paths become strings *without* being copied to the store (toJSON of a path would copy it).
  normalise = v:
    if b.isPath v then toString v
    else if b.isFloat v then exactFloat v
    else if b.isAttrs v then b.mapAttrs (_: normalise) (dropUnkept v)
    else if b.isList v then map normalise (b.filter keep v)
    else v;

  describe = v: if isDerivation v then "a derivation" else b.typeOf v;

  # dependsOn/connectsTo/activatesAfter: `{ param = service; }` becomes the services' names in sorted
  # param order (filterDerivations); a list of services or names, or a single name, is accepted too.
  # A dependency without `name` falls back to its param name, as the JS loader does.
  referenceNames = key: attr: deps:
    let
      where = "services.${key}.${attr}";
      nameOf = at: fallback: dep:
        if b.isString dep then dep
        else if b.isAttrs dep && b.isString (dep.name or null) then dep.name
        else if b.isAttrs dep && fallback != null then fallback
        else throw "dydisnix: ${where}${at}: expected a service or a service name, got ${describe dep}";
    in
    if deps == null then [ ]
    else if b.isString deps then [ deps ]
    else if b.isList deps then b.genList (i: nameOf "[${toString i}]" null (b.elemAt deps i)) (b.length deps)
    else if b.isAttrs deps && !(isDerivation deps) then map (p: nameOf ".${p}" p deps.${p}) (b.attrNames deps)
    else throw "dydisnix: ${where}: expected an attribute set of services, got ${describe deps}";

  references = [ "dependsOn" "connectsTo" "activatesAfter" ];

  # `pkg` is removed with removeAttrs, which never evaluates it.
  serviceShape = key: service:
    if !(b.isAttrs service) || isDerivation service then
      (if keep service then normalise service
       else throw "dydisnix: services.${key}: expected an attribute set (a service), got ${describe service}")
    else
      normalise (b.removeAttrs service ([ "pkg" ] ++ references))
      // b.listToAttrs (map (attr: { name = attr; value = referenceNames key attr (service.${attr} or null); }) references);

  servicesShape = services:
    if b.isAttrs services && !(isDerivation services) then b.mapAttrs serviceShape services
    else throw "dydisnix: the services model must evaluate to an attribute set of services, got ${describe services}";

  # Distribution: target values are mapped back to target names through the target property
  # (reference §2.3): the target's own `targetProperty`, else the default one.
  distributionShape = { distribution, infrastructure, defaultTargetProperty }:
    let
      propertyOf = target: target.targetProperty or defaultTargetProperty;
      scalar = v: b.isString v || b.isInt v || b.isFloat v || b.isBool v;
      identifierOf = target:
        let value = (target.properties or { }).${propertyOf target} or null; in
        if scalar value then toString value else null;

      # identifier -> the names of the targets that have it, in sorted order.
      targetNames = if infrastructure == null then { } else b.zipAttrsWith (_: names: names) (b.concatMap (name:
        let identifier = identifierOf infrastructure.${name}; in
        if identifier == null then [ ] else [ { ${identifier} = name; } ]
      ) (b.attrNames infrastructure));

      # Targets sharing an identifier: the original took the first in sorted order, which silently
      # moves a service to another machine (and makes `infrastructure.t3` read back as t1). The one
      # that *is* the given value wins; only indistinguishable targets fall back to the first.
      pick = target: names:
        if b.length names == 1 then b.head names
        else b.head ((b.filter (name: infrastructure.${name} == target) names) ++ names);

      unresolvable = svc: target:
        let identifier = identifierOf target; in
        if infrastructure == null then
          "dydisnix: distribution.${svc}: a target is an attribute set but no infrastructure model was given to resolve it"
        else "dydisnix: distribution.${svc}: a target matches no machine of the infrastructure model ("
          + "${toString (propertyOf target)} = ${if identifier == null then "<missing>" else "\"${identifier}\""})";

      targetName = svc: target:
        if b.isString target then target
        else if b.isAttrs target && !(isDerivation target) then
          let identifier = identifierOf target; in
          if identifier != null && targetNames ? ${identifier} then pick target targetNames.${identifier}
          else throw (unresolvable svc target)
        else throw "dydisnix: distribution.${svc}: a target must be a machine of the infrastructure model or its name, got ${describe target}";

      # `{ target = …; container = "c"; }` (the attrset form's items, also the plain form with names).
      mapping = svc: item:
        if b.isAttrs item && item ? target then
          let target = targetName svc item.target; in
          if (item.container or null) == null then target else { inherit target; inherit (item) container; }
        else targetName svc item;

      service = svc: targets:
        if b.isList targets then map (mapping svc) targets
        else if b.isAttrs targets && b.isList (targets.targets or null) then map (mapping svc) targets.targets
        else throw "dydisnix: distribution.${svc}: targets has the wrong type! Expected a list of targets or { targets = [ … ]; }, got ${describe targets}";
    in
    if b.isAttrs distribution && !(isDerivation distribution) then b.mapAttrs service distribution
    else throw "dydisnix: the distribution model must evaluate to an attribute set, got ${describe distribution}";
in
{
  inherit isDerivation keep normalise exactFloat referenceNames servicesShape distributionShape;
}
