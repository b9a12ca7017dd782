# Evaluates a Nix QoS model: {services, infrastructure, initialDistribution, previousDistribution,
# filters, lib}: distribution. The result is data and/or operation descriptions (filters.nix).
{ qosFile, inputFile, filtersFile ? null, jsFilterNames ? "[]" }:
let
  c = import ./common.nix { inherit inputFile filtersFile jsFilterNames; };
  qos = import qosFile;
in
if !(builtins.isFunction qos) then throw "dydisnix: a QoS model must be a function {services, infrastructure, initialDistribution, previousDistribution, filters, lib}: …"
else c.callWith qos { inherit (c) services infrastructure initialDistribution previousDistribution filters lib; }
