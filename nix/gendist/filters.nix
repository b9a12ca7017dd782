# The reference filters for Nix QoS models. Each call returns an *operation description*
#   { __dydisnixOp = "divide"; args = { strategy = …; distribution = <data or another operation>; }; models = [ … ]; }
# that dydisnix carries out in TypeScript after evaluation, bottom-up, so chained calls such as
#   filters.order { distribution = filters.mapAttrOnList { distribution = initialDistribution; … }; … }
# work. The models of the run (services, infrastructure, previousDistribution) are not copied into
# the description when a call passes them unchanged; `models` lists them so they are restored.
#
# Filters are functors (attrsets with __functor), so a catalogue can tell them from its own filters.
{ services, infrastructure, previousDistribution, extraNames ? [ ] }:
let
  b = builtins;
  runModels = { inherit services infrastructure previousDistribution; };
  modelNames = [ "services" "infrastructure" "previousDistribution" ];

  strip = args:
    let same = b.filter (n: args ? ${n} && args.${n} == runModels.${n}) modelNames; in
    { args = b.removeAttrs args same; models = same; };

  op = name: args:
    if !(b.isAttrs args) then throw "dydisnix: filters.${name}: expected one attribute set argument, got ${b.typeOf args}"
    else { __dydisnixOp = name; } // strip args;

  filter = name: { __dydisnixFilter = name; __functor = _self: op name; };

  names = [
    "createCartesianProduct" "mapAttrOnList" "mapListOnAttr" "mapAttrOnAttr"
    "mapStatefulToPrevious" "mapBoundServicesToPrevious" "divideRoundRobin" "order"
    "divide" "minsetcover" "multiwaycut" "graphcol"
    "divideResources" "spread" "prefer" "antiAffinity"
  ] ++ extraNames;

  unsupported = name: _: throw "dydisnix: filters.${name} is not supported: dydisnix carries out the planners itself (no XML files are generated)";
in
b.listToAttrs (map (name: { inherit name; value = filter name; }) names)
// b.listToAttrs (map (name: { inherit name; value = unsupported name; }) [
  "generateServicesXML" "generateInfrastructureXML" "generateDistributionXML" "generateDocsXML"
  "generateIdResourcesXML" "generateIdsXML" "generatePortsXML" "generatePreviousDistribution"
])
// {
  # filterDerivations is already applied: the services the policy gets have no `pkg`.
  filterDerivations = s: s;
}
