# The names of a catalogue's own filters (those that are not reference filters).
{ inputFile, filtersFile }:
(import ./common.nix { inherit inputFile filtersFile; }).customNames
