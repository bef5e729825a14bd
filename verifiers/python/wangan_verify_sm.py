#!/usr/bin/env python3
"""Independent verifier of wangan evidence for the national algorithms.

Written from docs/evidence-format.md alone (it shares no code with wangan).
It checks the checkpoint's SM2 signature with the `gmssl` package (PyPI), and
the Merkle tree (leaf hashes, inclusion proofs, consistency proofs, RFC 9162)
for SM3 trees (SM3 from `gmssl`) and SHA-256 trees (hashlib), with its own
implementation of the RFC 9162 verification algorithms. Ed25519 signatures
are checked by the Go verifier (verifiers/go).

Usage:
  wangan_verify_sm.py bundle --sm2-key sm2.pub [--held CHECKPOINT|BUNDLE] BUNDLE
  wangan_verify_sm.py consistency --sm2-key sm2.pub --proof PROOF.json OLD NEW

Prints one JSON object; exits 0 when everything it checks holds, 1 when not,
2 on a usage error.
"""

import argparse
import base64
import binascii
import hashlib
import json
import re
import struct
import sys

from gmssl import func, sm2, sm3

SM2_TYPE = b"\xff" + b"wangan.sm2-sm3.v1"
SM2_N = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)
TIME_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{0,8}[1-9])?Z$")
EM_DASH = "\u2014 "


class Reject(Exception):
    pass


def b64(s):
    try:
        b = base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError):
        raise Reject("not base64: %r" % s[:40])
    if base64.b64encode(b).decode() != s:
        raise Reject("not canonical base64: %r" % s[:40])
    return b


def tree_hash(name):
    if name == "sha256":
        return lambda data: hashlib.sha256(data).digest()
    if name == "sm3":
        return lambda data: bytes.fromhex(sm3.sm3_hash(func.bytes_to_list(data)))
    raise Reject("unknown hash %r" % name)


# --- keys (§5) ---------------------------------------------------------------


class Sm2Key:
    def __init__(self, name, point):
        if not name or any(c.isspace() or c == "+" for c in name):
            raise Reject("bad key name %r" % name)
        if len(point) != 65 or point[0] != 4:
            raise Reject("sm2 key is not a 65-byte uncompressed point")
        self.name = name
        self.point = point
        self.key_id = hashlib.sha256(name.encode() + b"\n" + SM2_TYPE + point).digest()[:4]

    def verify(self, msg, sig):
        if len(sig) != 64:
            return False
        r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
        if not (1 <= r < SM2_N and 1 <= s < SM2_N):
            return False
        c = sm2.CryptSM2(private_key="", public_key="")
        # set the key after construction: gmssl's constructor mangles keys starting with 0/4
        c.public_key = self.point[1:].hex()
        return bool(c.verify_with_sm3(sig.hex(), msg))


def read_sm2_key(path):
    text = open(path, encoding="utf-8").read()
    name = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#"):
            m = re.match(r"#\s*SM2 public key of (\S+) \(", line)
            if m:
                name = m.group(1)
            continue
        if not line:
            continue
        if "+" in line:
            kname, kid, kb = line.split("+", 2)
            raw = b64(kb)
            if not raw.startswith(SM2_TYPE):
                raise Reject("%s: not an sm2 verifier key" % path)
            k = Sm2Key(kname, raw[len(SM2_TYPE):])
            if k.key_id.hex() != kid:
                raise Reject("%s: key id does not match the key" % path)
            return k
        if name is None:
            raise Reject("%s: sm2 key without a key name" % path)
        return Sm2Key(name, bytes.fromhex(line))
    raise Reject("%s: no key" % path)


# --- checkpoints (§6) ---------------------------------------------------------


def open_note(msg, key):
    """Split a signed note, check its SM2 line(s) of the trusted key, return the text."""
    try:
        s = msg.decode("utf-8")
    except UnicodeDecodeError:
        raise Reject("checkpoint is not utf-8")
    if any(ord(c) < 0x20 and c != "\n" for c in s):
        raise Reject("control character in the checkpoint")
    i = s.rfind("\n\n")
    if i < 0:
        raise Reject("no blank line before the signatures")
    text, sigs = s[: i + 1], s[i + 2 :]
    if not sigs.endswith("\n"):
        raise Reject("signature lines do not end in a newline")
    lines = sigs[:-1].split("\n")
    if len(lines) > 100:
        raise Reject("more than 100 signature lines")
    good = False
    for line in lines:
        if not line.startswith(EM_DASH):
            raise Reject("malformed signature line")
        name, _, sig = line[len(EM_DASH) :].partition(" ")
        raw = b64(sig)
        if len(raw) < 5:
            raise Reject("signature too short")
        if name != key.name or raw[:4] != key.key_id:
            continue  # a line of another key (the Ed25519 line): ignored here
        if not key.verify(text.encode("utf-8"), raw[4:]):
            raise Reject("the sm2 signature of the trusted key does not verify")
        good = True
    if not good:
        raise Reject("no sm2 signature of the trusted key")
    return text


def parse_checkpoint(text):
    if not text.endswith("\n"):
        raise Reject("checkpoint text does not end in a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3 or any(l == "" for l in lines):
        raise Reject("checkpoint has an empty or missing line")
    origin, size, root = lines[0], lines[1], lines[2]
    if not re.fullmatch(r"0|[1-9][0-9]*", size) or int(size) >= 1 << 64:
        raise Reject("bad size line %r" % size)
    root_b = b64(root)
    if len(root_b) != 32:
        raise Reject("root is not 32 bytes")
    seen = {}
    for l in lines[3:]:
        for k in ("time", "hash", "retention"):
            if l.startswith(k + " "):
                if k in seen:
                    raise Reject("more than one %s line" % k)
                seen[k] = l[len(k) + 1 :]
    for k in ("time", "hash", "retention"):
        if k not in seen:
            raise Reject("no %s line" % k)
    if not TIME_RE.match(seen["time"]):
        raise Reject("bad time %r" % seen["time"])
    if seen["hash"] not in ("sha256", "sm3"):
        raise Reject("unknown hash %r" % seen["hash"])
    if not seen["retention"]:
        raise Reject("empty retention")
    return {"origin": origin, "size": int(size), "root": root_b, "hash": seen["hash"]}


def open_checkpoint(msg, key):
    cp = parse_checkpoint(open_note(msg, key))
    if cp["origin"] != key.name:
        raise Reject("checkpoint origin %r is not the trusted key's name" % cp["origin"])
    return cp


# --- RFC 9162 verification (§4) ------------------------------------------------


def node(h, left, right):
    return h(b"\x01" + left + right)


def verify_inclusion(h, leaf, index, size, proof, root):
    """RFC 9162 section 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(h, p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node(h, r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(h, size1, root1, size2, root2, proof):
    """RFC 9162 section 2.1.4.2 (empty proof from the empty tree or to the same size)."""
    if size1 > size2:
        return False
    if size1 == size2:
        return not proof and root1 == root2
    if size1 == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if size1 & (size1 - 1) == 0:
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node(h, c, fr)
            sr = node(h, c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node(h, sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == root1 and sr == root2


# --- bundles (§7) -------------------------------------------------------------


class Reader:
    def __init__(self, b):
        self.b, self.pos = b, 0

    def take(self, n, what):
        if len(self.b) - self.pos < n:
            raise Reject("%s truncated at offset %d" % (what, self.pos))
        s = self.b[self.pos : self.pos + n]
        self.pos += n
        return s

    def uint(self, size, what):
        return int.from_bytes(self.take(size, what), "big")

    def hashes(self, k, what):
        return [self.take(32, what) for _ in range(k)]


def parse_bundle(b):
    r = Reader(b)
    if r.take(8, "magic") != b"WANGBDL1":
        raise Reject("not a wangan bundle")
    out = {"hash_code": r.uint(1, "hash code"), "since": None, "records": []}
    n = r.uint(4, "checkpoint length")
    if n > 65536:
        raise Reject("checkpoint too long")
    out["checkpoint"] = r.take(n, "checkpoint")
    out["ed25519_key"] = r.take(r.uint(2, "ed25519 key length"), "ed25519 key")
    n = r.uint(2, "sm2 key length")
    if n not in (0, 65):
        raise Reject("sm2 key of %d bytes" % n)
    out["sm2_key"] = r.take(n, "sm2 key")
    while True:
        tag = r.take(1, "tag")
        if tag == b"C":
            if out["since"] is not None or out["records"]:
                raise Reject("consistency section out of place")
            n = r.uint(4, "earlier checkpoint length")
            if n > 65536:
                raise Reject("earlier checkpoint too long")
            cp = r.take(n, "earlier checkpoint")
            k = r.uint(1, "consistency proof length")
            if k > 128:
                raise Reject("consistency proof too long")
            out["since"] = (cp, r.hashes(k, "consistency proof"))
        elif tag == b"R":
            rec = r.take(r.uint(4, "record length"), "record")
            k = r.uint(1, "proof length")
            if k > 64:
                raise Reject("inclusion proof too long")
            out["records"].append((rec, r.hashes(k, "inclusion proof")))
        elif tag == b"E":
            if r.uint(8, "record count") != len(out["records"]):
                raise Reject("record count does not match")
            if r.take(8, "end magic") != b"WANGBEND":
                raise Reject("bad end magic")
            if r.pos != len(b):
                raise Reject("bytes after the end")
            return out
        else:
            raise Reject("unknown tag %r at offset %d" % (tag, r.pos - 1))


def record_seq(b):
    r = Reader(b)
    if r.uint(1, "version") != 1:
        raise Reject("unknown record version")
    seq = r.uint(8, "seq")
    r.take(8, "receive time")
    for what in ("source", "peer", "transport"):
        try:
            r.take(r.uint(2, what + " length"), what).decode("utf-8")
        except UnicodeDecodeError:
            raise Reject("%s is not utf-8" % what)
    r.take(r.uint(4, "raw length"), "raw")
    if r.pos != len(b):
        raise Reject("bytes after the raw record")
    return seq


def read_checkpoint_file(path):
    b = open(path, "rb").read()
    if b.startswith(b"WANGBDL1"):
        return parse_bundle(b)["checkpoint"]
    return b


def verify_bundle(path, key, held):
    res = {"ok": False, "records": 0, "records_verified": 0, "consistency_verified": False, "errors": []}
    try:
        b = parse_bundle(open(path, "rb").read())
        cp = open_checkpoint(b["checkpoint"], key)
    except Reject as e:
        res["errors"].append(str(e))
        return res
    res.update(hash=cp["hash"], size=cp["size"], records=len(b["records"]))
    if b["hash_code"] != {"sha256": 1, "sm3": 2}[cp["hash"]]:
        res["errors"].append("bundle hash code does not match the checkpoint")
    if b["sm2_key"] != key.point:
        res["errors"].append("the bundle's sm2 key is not the trusted key")
    h = tree_hash(cp["hash"])
    prev = None
    for i, (rec, proof) in enumerate(b["records"]):
        try:
            seq = record_seq(rec)
        except Reject as e:
            res["errors"].append("record %d: %s" % (i, e))
            continue
        if prev is not None and seq <= prev:
            res["errors"].append("record %d: seq %d does not follow %d" % (i, seq, prev))
        prev = seq
        if seq >= cp["size"]:
            res["errors"].append("record %d: seq %d beyond the checkpoint" % (i, seq))
        elif verify_inclusion(h, h(b"\x00" + rec), seq, cp["size"], proof, cp["root"]):
            res["records_verified"] += 1
        else:
            res["errors"].append("record %d (seq %d): inclusion proof does not verify" % (i, seq))
    if b["since"] is not None:
        try:
            old = open_checkpoint(b["since"][0], key)
            if old["hash"] != cp["hash"]:
                raise Reject("earlier checkpoint names another hash")
            if not verify_consistency(h, old["size"], old["root"], cp["size"], cp["root"], b["since"][1]):
                raise Reject("consistency proof does not verify")
            res["consistency_verified"] = True
            if held:
                hc = open_checkpoint(read_checkpoint_file(held), key)
                if (hc["size"], hc["root"], hc["origin"]) != (old["size"], old["root"], old["origin"]):
                    raise Reject("the consistency proof does not start at the checkpoint held")
        except Reject as e:
            res["errors"].append(str(e))
    elif held:
        res["errors"].append("the bundle carries no consistency proof from the checkpoint held")
    res["ok"] = not res["errors"]
    return res


def verify_proof_file(key, proof_path, old_path, new_path):
    res = {"ok": False, "consistency_verified": False, "errors": []}
    try:
        old = open_checkpoint(read_checkpoint_file(old_path), key)
        new = open_checkpoint(read_checkpoint_file(new_path), key)
        p = json.load(open(proof_path, encoding="utf-8"))
        if (p["old"]["size"], b64(p["old"]["root"]), p["new"]["size"], b64(p["new"]["root"])) != (
            old["size"], old["root"], new["size"], new["root"]):
            raise Reject("the proof is not between these two checkpoints")
        if old["hash"] != new["hash"]:
            raise Reject("the checkpoints name different hashes")
        proof = [b64(x) for x in p["proof"]]
        if any(len(x) != 32 for x in proof):
            raise Reject("proof hash is not 32 bytes")
        if not verify_consistency(tree_hash(new["hash"]), old["size"], old["root"], new["size"], new["root"], proof):
            raise Reject("consistency proof does not verify")
        res["consistency_verified"] = True
    except (Reject, KeyError, ValueError) as e:
        res["errors"].append(str(e))
    res["ok"] = not res["errors"]
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["bundle", "consistency"])
    ap.add_argument("--sm2-key", required=True)
    ap.add_argument("--held")
    ap.add_argument("--proof")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    try:
        key = read_sm2_key(a.sm2_key)
    except (Reject, OSError, ValueError) as e:
        print(json.dumps({"ok": False, "errors": ["trusted key: %s" % e]}))
        return 1
    if a.mode == "bundle" and len(a.files) == 1:
        res = verify_bundle(a.files[0], key, a.held)
    elif a.mode == "consistency" and len(a.files) == 2 and a.proof:
        res = verify_proof_file(key, a.proof, a.files[0], a.files[1])
    else:
        ap.print_usage(sys.stderr)
        return 2
    print(json.dumps(res))
    return 0 if res["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
