// Command wangan-verify is an independent verifier of wangan evidence, written
// from docs/evidence-format.md alone (it shares no code with wangan). It checks
// the checkpoint's Ed25519 signature with golang.org/x/mod/sumdb/note and, for
// SHA-256 trees, every leaf hash, inclusion proof and consistency proof with
// golang.org/x/mod/sumdb/tlog. SM2 signatures and SM3 trees are outside Go's
// libraries: verifiers/python checks them.
//
// Build in GOPATH mode with Debian's golang-go and golang-golang-x-mod-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o wangan-verify .
//
// Usage:
//
//	wangan-verify bundle -key ed25519.pub [-held CHECKPOINT|BUNDLE] BUNDLE
//	wangan-verify consistency -key ed25519.pub -proof PROOF.json OLD NEW
//
// It prints one JSON object and exits 0 when everything it checks holds, 1 when
// something does not, 2 on a usage error.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type result struct {
	OK          bool     `json:"ok"`
	Hash        string   `json:"hash,omitempty"`
	Size        uint64   `json:"size"`
	Records     int      `json:"records"`
	Verified    int      `json:"records_verified"`
	TreeChecked bool     `json:"tree_checked"`
	Consistency bool     `json:"consistency_verified"`
	Errors      []string `json:"errors"`
}

func (r *result) fail(format string, args ...interface{}) {
	r.Errors = append(r.Errors, fmt.Sprintf(format, args...))
}

// checkpoint is the parsed note text of §6.
type checkpoint struct {
	origin string
	size   uint64
	root   tlog.Hash
	hash   string
}

var timeRE = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{0,8}[1-9])?Z$`)

// parseCheckpoint parses the note text strictly, as §6 says.
func parseCheckpoint(text string) (checkpoint, error) {
	var c checkpoint
	if !strings.HasSuffix(text, "\n") {
		return c, errors.New("checkpoint text does not end in a newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) < 3 {
		return c, errors.New("checkpoint has fewer than three lines")
	}
	for i, l := range lines {
		if l == "" {
			return c, fmt.Errorf("checkpoint line %d is empty", i+1)
		}
	}
	c.origin = lines[0]
	s := lines[1]
	if s == "" || strings.Trim(s, "0123456789") != "" || (len(s) > 1 && s[0] == '0') {
		return c, fmt.Errorf("bad size line %q", s)
	}
	size, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return c, fmt.Errorf("bad size line %q", s)
	}
	c.size = size
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != 32 || base64.StdEncoding.EncodeToString(root) != lines[2] {
		return c, fmt.Errorf("bad root line %q", lines[2])
	}
	copy(c.root[:], root)
	seen := map[string]bool{}
	for _, l := range lines[3:] {
		for _, k := range []string{"time", "hash", "retention"} {
			if strings.HasPrefix(l, k+" ") {
				if seen[k] {
					return c, fmt.Errorf("more than one %s line", k)
				}
				seen[k] = true
				v := l[len(k)+1:]
				switch k {
				case "time":
					if !timeRE.MatchString(v) {
						return c, fmt.Errorf("bad time %q", v)
					}
					if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
						return c, fmt.Errorf("bad time %q", v)
					}
				case "hash":
					if v != "sha256" && v != "sm3" {
						return c, fmt.Errorf("unknown hash %q", v)
					}
					c.hash = v
				case "retention":
					if v == "" {
						return c, errors.New("empty retention")
					}
				}
			}
		}
	}
	for _, k := range []string{"time", "hash", "retention"} {
		if !seen[k] {
			return c, fmt.Errorf("no %s line", k)
		}
	}
	return c, nil
}

// openCheckpoint verifies the signed note with the trusted Ed25519 key (Go's
// note.Open: lines of unknown keys, such as the SM2 line, are ignored; a line
// of the trusted key must verify) and parses its text.
func openCheckpoint(msg []byte, v note.Verifier) (checkpoint, error) {
	if !utf8.Valid(msg) {
		return checkpoint{}, errors.New("checkpoint is not utf-8")
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return checkpoint{}, fmt.Errorf("checkpoint signature: %v", err)
	}
	if len(n.Sigs) == 0 {
		return checkpoint{}, errors.New("no signature of the trusted ed25519 key")
	}
	c, err := parseCheckpoint(n.Text)
	if err != nil {
		return c, err
	}
	if c.origin != v.Name() {
		return c, fmt.Errorf("checkpoint origin %q is not the trusted key's name %q", c.origin, v.Name())
	}
	return c, nil
}

// bundle is the decoded file of §7.
type bundle struct {
	hashCode   byte
	checkpoint []byte
	edKey      []byte
	sm2Key     []byte
	since      []byte
	sinceProof []tlog.Hash
	hasSince   bool
	records    [][]byte
	proofs     [][]tlog.Hash
}

type reader struct {
	b   []byte
	pos int
}

func (r *reader) take(n int, what string) ([]byte, error) {
	if n < 0 || len(r.b)-r.pos < n {
		return nil, fmt.Errorf("%s truncated at offset %d", what, r.pos)
	}
	s := r.b[r.pos : r.pos+n]
	r.pos += n
	return s, nil
}

func (r *reader) u8(what string) (int, error) {
	b, err := r.take(1, what)
	if err != nil {
		return 0, err
	}
	return int(b[0]), nil
}

func (r *reader) u16(what string) (int, error) {
	b, err := r.take(2, what)
	if err != nil {
		return 0, err
	}
	return int(binary.BigEndian.Uint16(b)), nil
}

func (r *reader) u32(what string) (int, error) {
	b, err := r.take(4, what)
	if err != nil {
		return 0, err
	}
	return int(binary.BigEndian.Uint32(b)), nil
}

func (r *reader) hashes(k int, what string) ([]tlog.Hash, error) {
	var out []tlog.Hash
	for i := 0; i < k; i++ {
		b, err := r.take(32, what)
		if err != nil {
			return nil, err
		}
		var h tlog.Hash
		copy(h[:], b)
		out = append(out, h)
	}
	return out, nil
}

func parseBundle(b []byte) (*bundle, error) {
	r := &reader{b: b}
	magic, err := r.take(8, "magic")
	if err != nil || string(magic) != "WANGBDL1" {
		return nil, errors.New("not a wangan bundle (magic)")
	}
	var out bundle
	h, err := r.u8("hash code")
	if err != nil {
		return nil, err
	}
	out.hashCode = byte(h)
	n, err := r.u32("checkpoint length")
	if err != nil {
		return nil, err
	}
	if n > 65536 {
		return nil, errors.New("checkpoint longer than 65536 bytes")
	}
	if out.checkpoint, err = r.take(n, "checkpoint"); err != nil {
		return nil, err
	}
	if n, err = r.u16("ed25519 key length"); err != nil {
		return nil, err
	}
	if out.edKey, err = r.take(n, "ed25519 key"); err != nil {
		return nil, err
	}
	if n, err = r.u16("sm2 key length"); err != nil {
		return nil, err
	}
	if n != 0 && n != 65 {
		return nil, fmt.Errorf("sm2 key of %d bytes", n)
	}
	if out.sm2Key, err = r.take(n, "sm2 key"); err != nil {
		return nil, err
	}
	for {
		tag, err := r.u8("tag")
		if err != nil {
			return nil, err
		}
		switch tag {
		case 'C':
			if out.hasSince || len(out.records) > 0 {
				return nil, errors.New("consistency section out of place")
			}
			out.hasSince = true
			if n, err = r.u32("earlier checkpoint length"); err != nil {
				return nil, err
			}
			if n > 65536 {
				return nil, errors.New("earlier checkpoint longer than 65536 bytes")
			}
			if out.since, err = r.take(n, "earlier checkpoint"); err != nil {
				return nil, err
			}
			k, err := r.u8("consistency proof length")
			if err != nil {
				return nil, err
			}
			if k > 128 {
				return nil, errors.New("consistency proof longer than 128 hashes")
			}
			if out.sinceProof, err = r.hashes(k, "consistency proof"); err != nil {
				return nil, err
			}
		case 'R':
			if n, err = r.u32("record length"); err != nil {
				return nil, err
			}
			rec, err := r.take(n, "record")
			if err != nil {
				return nil, err
			}
			k, err := r.u8("proof length")
			if err != nil {
				return nil, err
			}
			if k > 64 {
				return nil, errors.New("inclusion proof longer than 64 hashes")
			}
			p, err := r.hashes(k, "inclusion proof")
			if err != nil {
				return nil, err
			}
			out.records = append(out.records, rec)
			out.proofs = append(out.proofs, p)
		case 'E':
			c, err := r.take(8, "record count")
			if err != nil {
				return nil, err
			}
			if binary.BigEndian.Uint64(c) != uint64(len(out.records)) {
				return nil, errors.New("record count does not match the records")
			}
			end, err := r.take(8, "end magic")
			if err != nil || string(end) != "WANGBEND" {
				return nil, errors.New("bad end magic")
			}
			if r.pos != len(b) {
				return nil, errors.New("bytes after the end")
			}
			return &out, nil
		default:
			return nil, fmt.Errorf("unknown tag 0x%02x at offset %d", tag, r.pos-1)
		}
	}
}

// recordSeq decodes a canonical record (§3) strictly and returns its seq.
func recordSeq(b []byte) (uint64, error) {
	r := &reader{b: b}
	v, err := r.u8("version")
	if err != nil {
		return 0, err
	}
	if v != 1 {
		return 0, fmt.Errorf("record version %d", v)
	}
	s, err := r.take(8, "seq")
	if err != nil {
		return 0, err
	}
	if _, err := r.take(8, "receive time"); err != nil {
		return 0, err
	}
	for _, what := range []string{"source", "peer", "transport"} {
		n, err := r.u16(what + " length")
		if err != nil {
			return 0, err
		}
		name, err := r.take(n, what)
		if err != nil {
			return 0, err
		}
		if !utf8.Valid(name) {
			return 0, fmt.Errorf("%s is not utf-8", what)
		}
	}
	n, err := r.u32("raw length")
	if err != nil {
		return 0, err
	}
	if _, err := r.take(n, "raw"); err != nil {
		return 0, err
	}
	if r.pos != len(b) {
		return 0, errors.New("bytes after the raw record")
	}
	return binary.BigEndian.Uint64(s), nil
}

// checkConsistency verifies a consistency proof (§4) of SHA-256 trees with tlog.
func checkConsistency(old, cur checkpoint, proof []tlog.Hash) error {
	if old.size > cur.size {
		return fmt.Errorf("earlier checkpoint (%d) is larger than the later one (%d)", old.size, cur.size)
	}
	if old.size == 0 {
		if len(proof) != 0 {
			return errors.New("non-empty proof from the empty tree")
		}
		return nil
	}
	if cur.size > 1<<62 {
		return errors.New("tree too large")
	}
	return tlog.CheckTree(tlog.TreeProof(proof), int64(cur.size), cur.root, int64(old.size), old.root)
}

func readVerifier(path string) (note.Verifier, string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		v, err := note.NewVerifier(l)
		return v, l, err
	}
	return nil, "", errors.New("no verifier key in " + path)
}

// readCheckpointFile reads a signed checkpoint from a checkpoint file or a bundle.
func readCheckpointFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(b, []byte("WANGBDL1")) {
		bd, err := parseBundle(b)
		if err != nil {
			return nil, err
		}
		return bd.checkpoint, nil
	}
	return b, nil
}

func verifyBundle(path, keyPath, heldPath string) *result {
	res := &result{Errors: []string{}}
	v, vkey, err := readVerifier(keyPath)
	if err != nil {
		res.fail("trusted key: %v", err)
		return res
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		res.fail("%v", err)
		return res
	}
	b, err := parseBundle(raw)
	if err != nil {
		res.fail("bundle: %v", err)
		return res
	}
	res.Records = len(b.records)
	cp, err := openCheckpoint(b.checkpoint, v)
	if err != nil {
		res.fail("%v", err)
		return res
	}
	res.Hash, res.Size = cp.hash, cp.size
	want := map[string]byte{"sha256": 1, "sm3": 2}[cp.hash]
	if b.hashCode != want {
		res.fail("bundle hash code %d but checkpoint hash %s", b.hashCode, cp.hash)
	}
	if len(b.edKey) > 0 && string(b.edKey) != vkey {
		res.fail("the bundle's ed25519 key is not the trusted key")
	}
	sha := cp.hash == "sha256"
	res.TreeChecked = sha
	var prev uint64
	for i, rec := range b.records {
		seq, err := recordSeq(rec)
		if err != nil {
			res.fail("record %d: %v", i, err)
			continue
		}
		if i > 0 && seq <= prev {
			res.fail("record %d: seq %d does not follow %d", i, seq, prev)
		}
		prev = seq
		if seq >= cp.size {
			res.fail("record %d: seq %d beyond the checkpoint size %d", i, seq, cp.size)
			continue
		}
		if !sha {
			continue
		}
		leaf := tlog.RecordHash(rec)
		if err := tlog.CheckRecord(tlog.RecordProof(b.proofs[i]), int64(cp.size), cp.root, int64(seq), leaf); err != nil {
			res.fail("record %d (seq %d): inclusion proof: %v", i, seq, err)
			continue
		}
		res.Verified++
	}
	if b.hasSince {
		old, err := openCheckpoint(b.since, v)
		switch {
		case err != nil:
			res.fail("earlier checkpoint: %v", err)
		case old.hash != cp.hash:
			res.fail("earlier checkpoint has another hash")
		case old.size > cp.size:
			res.fail("earlier checkpoint is larger than the bundle's")
		case sha:
			if err := checkConsistency(old, cp, b.sinceProof); err != nil {
				res.fail("consistency proof: %v", err)
			} else {
				res.Consistency = true
			}
		}
		if heldPath != "" && err == nil {
			if msg := checkHeld(heldPath, v, old); msg != "" {
				res.fail("%s", msg)
			}
		}
	} else if heldPath != "" {
		res.fail("the bundle carries no consistency proof from the checkpoint held")
	}
	res.OK = len(res.Errors) == 0
	return res
}

func checkHeld(path string, v note.Verifier, since checkpoint) string {
	msg, err := readCheckpointFile(path)
	if err != nil {
		return "held checkpoint: " + err.Error()
	}
	held, err := openCheckpoint(msg, v)
	if err != nil {
		return "held checkpoint: " + err.Error()
	}
	if held.size != since.size || held.root != since.root || held.origin != since.origin {
		return "the bundle's consistency proof does not start at the checkpoint held"
	}
	return ""
}

type proofFile struct {
	Old struct {
		Size uint64 `json:"size"`
		Root string `json:"root"`
	} `json:"old"`
	New struct {
		Size uint64 `json:"size"`
		Root string `json:"root"`
	} `json:"new"`
	Proof []string `json:"proof"`
}

func verifyConsistency(keyPath, proofPath, oldPath, newPath string) *result {
	res := &result{Errors: []string{}}
	v, _, err := readVerifier(keyPath)
	if err != nil {
		res.fail("trusted key: %v", err)
		return res
	}
	var cps [2]checkpoint
	for i, p := range []string{oldPath, newPath} {
		msg, err := readCheckpointFile(p)
		if err == nil {
			cps[i], err = openCheckpoint(msg, v)
		}
		if err != nil {
			res.fail("%s: %v", p, err)
			return res
		}
	}
	old, cur := cps[0], cps[1]
	res.Hash, res.Size = cur.hash, cur.size
	pb, err := os.ReadFile(proofPath)
	var pf proofFile
	if err == nil {
		err = json.Unmarshal(pb, &pf)
	}
	if err != nil {
		res.fail("proof: %v", err)
		return res
	}
	if pf.Old.Size != old.size || pf.New.Size != cur.size ||
		pf.Old.Root != base64.StdEncoding.EncodeToString(old.root[:]) ||
		pf.New.Root != base64.StdEncoding.EncodeToString(cur.root[:]) {
		res.fail("the proof is not between these two checkpoints")
	}
	var proof []tlog.Hash
	for _, s := range pf.Proof {
		h, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(h) != 32 {
			res.fail("proof hash %q is not base64 of 32 bytes", s)
			return res
		}
		var x tlog.Hash
		copy(x[:], h)
		proof = append(proof, x)
	}
	if old.hash != cur.hash {
		res.fail("the checkpoints name different hashes")
	} else if cur.hash == "sha256" {
		res.TreeChecked = true
		if err := checkConsistency(old, cur, proof); err != nil {
			res.fail("consistency proof: %v", err)
		} else {
			res.Consistency = true
		}
	}
	res.OK = len(res.Errors) == 0
	return res
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: wangan-verify bundle|consistency …")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	key := fs.String("key", "", "trusted Ed25519 verifier key file (keys/ed25519.pub)")
	held := fs.String("held", "", "a checkpoint (or bundle) already held: require the consistency proof from it")
	proof := fs.String("proof", "", "consistency proof JSON (wangan vault prove-consistency --json)")
	_ = fs.Parse(os.Args[2:])
	var res *result
	switch {
	case os.Args[1] == "bundle" && fs.NArg() == 1 && *key != "":
		res = verifyBundle(fs.Arg(0), *key, *held)
	case os.Args[1] == "consistency" && fs.NArg() == 2 && *key != "" && *proof != "":
		res = verifyConsistency(*key, *proof, fs.Arg(0), fs.Arg(1))
	default:
		fmt.Fprintln(os.Stderr, "usage: wangan-verify bundle -key K [-held CP] BUNDLE | consistency -key K -proof P OLD NEW")
		os.Exit(2)
	}
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
	if !res.OK {
		os.Exit(1)
	}
}
