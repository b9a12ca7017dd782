# What the model functions get besides their own arguments: `lib`, `pkgs` and `system`.
# nixpkgs is optional: when it is on the Nix search path its real `lib` and package set are used
# (lazily: nothing is imported unless a model touches it); otherwise `lib` is our subset (lib.nix)
# and `pkgs` is a value that fails with a clear message when a model really uses it. Services
# usually mention `pkgs` only inside `pkg` attributes, which dydisnix never evaluates.
let
  b = builtins;

  # Only local entries can be checked; URL entries (channels) would need the network.
  candidates = b.concatMap (entry:
    if !(b.isString entry.path) || b.substring 0 1 entry.path != "/" then [ ]
    else if entry.prefix == "nixpkgs" then [ entry.path ]
    else if entry.prefix == "" then [ (entry.path + "/nixpkgs") ]
    else [ ]
  ) b.nixPath;

  found = b.filter (dir: b.pathExists (dir + "/lib/default.nix")) candidates;
  nixpkgs = if found == [ ] then null else b.head found;

  system = b.currentSystem;

  missingPkgs = throw ("dydisnix: pkgs (nixpkgs) is not available: nixpkgs is not on the Nix search path "
    + "(NIX_PATH or -I nixpkgs=...). dydisnix never evaluates `pkg` attributes, so only a model that uses "
    + "pkgs elsewhere needs it");
in
{
  inherit nixpkgs system;
  lib = if nixpkgs == null then import ./lib.nix else import (nixpkgs + "/lib");
  pkgs = if nixpkgs == null || !(b.pathExists (nixpkgs + "/default.nix")) then missingPkgs
    else import nixpkgs { inherit system; };
}
