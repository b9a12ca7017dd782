# A small subset of nixpkgs' `lib`, enough for typical QoS, filter and augmentation models, for
# systems without nixpkgs on the Nix search path. Names and semantics follow nixpkgs so that a model
# written against the real `lib` works unchanged. `default.nix` picks the real one when it exists.
let
  b = builtins;

  id = x: x;
  const = x: _: x;
  flip = f: a: c: f c a;
  pipe = foldl' (x: f: f x);

  foldl' = b.foldl';
  foldl = op: nul: list: b.foldl' op nul list;
  foldr = op: nul: list:
    let len = b.length list;
        go = n: if n == len then nul else op (b.elemAt list n) (go (n + 1));
    in go 0;

  optional = cond: elem: if cond then [ elem ] else [ ];
  optionals = cond: elems: if cond then elems else [ ];
  optionalAttrs = cond: as: if cond then as else { };
  optionalString = cond: s: if cond then s else "";

  nameValuePair = name: value: { inherit name value; };
  filterAttrs = pred: set:
    b.removeAttrs set (b.filter (name: !(pred name set.${name})) (b.attrNames set));
  mapAttrsToList = f: set: map (name: f name set.${name}) (b.attrNames set);
  mapAttrs' = f: set: b.listToAttrs (mapAttrsToList f set);
  genAttrs = names: f: b.listToAttrs (map (n: nameValuePair n (f n)) names);
  attrVals = names: set: map (n: set.${n}) names;
  attrByPath = path: default: set:
    if path == [ ] then set
    else let h = b.head path; in
      if b.isAttrs set && set ? ${h} then attrByPath (b.tail path) default set.${h} else default;
  hasAttrByPath = path: set:
    path == [ ] || (b.isAttrs set && set ? ${b.head path} && hasAttrByPath (b.tail path) set.${b.head path});
  getAttrFromPath = path: set:
    foldl' (s: n: if s ? ${n} then s.${n} else throw "cannot find attribute `${b.concatStringsSep "." path}'") set path;
  setAttrByPath = path: value:
    foldr (n: acc: { ${n} = acc; }) value path;
  isDerivation = v: b.isAttrs v && (v.type or null) == "derivation";
  recursiveUpdateUntil = pred: lhs: rhs:
    let f = path: b.zipAttrsWith (n: values:
      let here = path ++ [ n ]; in
      if b.length values == 1 || pred here (b.elemAt values 1) (b.head values)
      then b.head values
      else f here values);
    in f [ ] [ rhs lhs ];
  recursiveUpdate = recursiveUpdateUntil (path: lhs: rhs: !(b.isAttrs lhs && b.isAttrs rhs));
  mapAttrsRecursiveCond = cond: f: set:
    let recurse = path: b.mapAttrs (name: value:
      if b.isAttrs value && cond value then recurse (path ++ [ name ]) value else f (path ++ [ name ]) value);
    in recurse [ ] set;
  mapAttrsRecursive = mapAttrsRecursiveCond (_: true);
  filterAttrsRecursive = pred: set:
    b.listToAttrs (b.concatMap (name:
      let v = set.${name}; in
      if pred name v then [ (nameValuePair name (if b.isAttrs v then filterAttrsRecursive pred v else v)) ] else [ ]
    ) (b.attrNames set));
  foldAttrs = op: nul: list:
    foldr (n: a: foldr (name: o: o // { ${name} = op n.${name} (a.${name} or nul); }) a (b.attrNames n)) { } list;
  collect = pred: v:
    if pred v then [ v ]
    else if b.isAttrs v then b.concatMap (collect pred) (b.attrValues v)
    else [ ];
  zipAttrs = b.zipAttrsWith (_: vs: vs);

  flatten = x: if b.isList x then b.concatMap flatten x else [ x ];
  range = first: last: if first > last then [ ] else b.genList (n: first + n) (last - first + 1);
  last = list: b.elemAt list (b.length list - 1);
  init = list: b.genList (b.elemAt list) (b.length list - 1);
  take = count: sublist 0 count;
  drop = count: list: sublist count (b.length list) list;
  sublist = start: count: list:
    let len = b.length list;
        n = if start >= len then 0 else if start + count > len then len - start else count;
    in b.genList (i: b.elemAt list (i + start)) n;
  reverseList = list: let l = b.length list; in b.genList (n: b.elemAt list (l - n - 1)) l;
  imap0 = f: list: b.genList (n: f n (b.elemAt list n)) (b.length list);
  imap1 = f: list: b.genList (n: f (n + 1) (b.elemAt list n)) (b.length list);
  count = pred: foldl' (c: x: if pred x then c + 1 else c) 0;
  findFirst = pred: default: list:
    let found = b.filter pred list; in if found == [ ] then default else b.head found;
  unique = foldl' (acc: e: if b.elem e acc then acc else acc ++ [ e ]) [ ];
  subtractLists = e: b.filter (x: !(b.elem x e));
  intersectLists = e: b.filter (x: b.elem x e);
  zipListsWith = f: fst: snd:
    b.genList (n: f (b.elemAt fst n) (b.elemAt snd n)) (min (b.length fst) (b.length snd));
  zipLists = zipListsWith (fst: snd: { inherit fst snd; });
  toList = x: if b.isList x then x else [ x ];
  singleton = x: [ x ];
  forEach = xs: f: map f xs;
  ifilter0 = pred: list: b.concatLists (imap0 (i: x: if pred i x then [ x ] else [ ]) list);
  sortOn = f: b.sort (a: c: f a < f c);
  max = x: y: if x > y then x else y;
  min = x: y: if x < y then x else y;
  mod = base: int: base - (int * (b.div base int));

  concatStrings = b.concatStringsSep "";
  concatMapStrings = f: list: concatStrings (map f list);
  concatMapStringsSep = sep: f: list: b.concatStringsSep sep (map f list);
  hasPrefix = pref: str: b.substring 0 (b.stringLength pref) str == pref;
  hasSuffix = suffix: content:
    let lc = b.stringLength content; ls = b.stringLength suffix; in
    lc >= ls && b.substring (lc - ls) lc content == suffix;
  hasInfix = infix: content: b.match ".*${escapeRegex infix}.*" "${content}" != null;
  escapeRegex = b.replaceStrings
    [ "\\" "[" "]" "(" ")" "{" "}" "." "*" "+" "?" "^" "$" "|" ]
    [ "\\\\" "\\[" "\\]" "\\(" "\\)" "\\{" "\\}" "\\." "\\*" "\\+" "\\?" "\\^" "\\$" "\\|" ];
  removePrefix = pref: str:
    if hasPrefix pref str then b.substring (b.stringLength pref) (b.stringLength str) str else str;
  removeSuffix = suffix: str:
    if hasSuffix suffix str then b.substring 0 (b.stringLength str - b.stringLength suffix) str else str;
  splitString = sep: s: b.filter b.isString (b.split (escapeRegex sep) s);
  toUpper = b.replaceStrings lowerChars upperChars;
  toLower = b.replaceStrings upperChars lowerChars;
  lowerChars = b.genList (n: b.substring n 1 "abcdefghijklmnopqrstuvwxyz") 26;
  upperChars = b.genList (n: b.substring n 1 "ABCDEFGHIJKLMNOPQRSTUVWXYZ") 26;
  stringToCharacters = s: b.genList (p: b.substring p 1 s) (b.stringLength s);
  toInt = s:
    let n = b.fromJSON s; in
    if b.match "-?[0-9]+" s != null && b.isInt n then n else throw "could not convert `${s}' to an int";

  assertMsg = pred: msg: pred || throw msg;
  warn = msg: b.trace "warning: ${msg}";

  # The attributes of the flat namespace, also reachable as lib.lists.*, lib.attrsets.*, ...
  flat = {
    inherit (b)
      attrNames attrValues hasAttr getAttr head tail length elem elemAt filter map sort
      concatMap concatLists listToAttrs mapAttrs removeAttrs intersectAttrs catAttrs zipAttrsWith
      isAttrs isList isString isInt isFloat isBool isFunction isPath genList partition groupBy
      all any concatStringsSep replaceStrings substring stringLength toJSON fromJSON seq deepSeq
      trace typeOf split match functionArgs;
    inherit id const flip pipe foldl foldl' foldr optional optionals optionalAttrs optionalString
      nameValuePair filterAttrs mapAttrsToList mapAttrs' genAttrs attrVals attrByPath hasAttrByPath
      getAttrFromPath setAttrByPath isDerivation recursiveUpdateUntil recursiveUpdate
      mapAttrsRecursiveCond mapAttrsRecursive filterAttrsRecursive foldAttrs collect zipAttrs
      flatten range last init take drop sublist reverseList imap0 imap1 count findFirst unique
      subtractLists intersectLists zipListsWith zipLists toList singleton forEach ifilter0 sortOn
      max min mod concatStrings concatMapStrings concatMapStringsSep hasPrefix hasSuffix hasInfix
      escapeRegex removePrefix removeSuffix splitString toUpper toLower stringToCharacters toInt
      assertMsg warn;
    fold = foldr;
    zipAttrsWithNames = names: f: sets:
      genAttrs names (n: f n (b.catAttrs n sets));
    mapNullable = f: a: if a == null then a else f a;
  };
in
flat // {
  lists = flat;
  attrsets = flat;
  strings = flat;
  trivial = flat;
}
