"""A Merkle tree over the event log, as certificate-transparency logs keep one (RFC 6962 / RFC 9162 §2.1).

The hash chain proves that a ledger extends a digest taken before; it cannot prove anything to someone who only
holds a *signed tree head* and does not trust the database: a consistent rewrite from some event on, or the last
events deleted, leaves a valid chain. A Merkle tree over the events gives what transparency logs give:

* a **signed tree head** (tree size, root hash, time; Ed25519, the key kept outside the database) to publish or
  hand to auditors — ``ledger digest --sign KEY``;
* an **inclusion proof**: event *i* is leaf *i* of the tree whose root the head signs — ``ledger prove SEQ``;
* a **consistency proof**: the tree of a later head extends the tree of an earlier one, so nothing before the
  earlier size was changed or removed — ``ledger prove --consistency OLD_SIZE``.

Leaf *i* (0-based) is event ``seq = i + 1``; its leaf data is the 32 bytes of the event's hash (which covers every
field of the event and the previous hash). This module uses only the standard library and ``cryptography``, so it
is the standalone verifier too: copy this one file, and ``python proofs.py inclusion HEAD.json PROOF.json KEY.pub``
checks a proof without the ledger, its code or its database.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from collections.abc import Sequence
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

TREE_HEAD_SCHEMA = "ledger.tree-head/1"


class ProofError(Exception):
    """A proof or a signed tree head that does not verify; the message says what failed."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n > 1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[n]) of RFC 6962 §2.1 over leaf *hashes* (the hash of the empty tree for none)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    level = list(leaves)
    while (
        len(level) > 1
    ):  # bottom-up: pairs, an odd last node carried up (the same tree as the recursive MTH)
        level = [
            node_hash(level[i], level[i + 1]) if i + 1 < len(level) else level[i]
            for i in range(0, len(level), 2)
        ]
    return level[0]


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 §2.1.1."""
    if not 0 <= index < len(leaves):
        raise ProofError(f"leaf {index} is not in a tree of {len(leaves)} leaves")
    if len(leaves) == 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return [*inclusion_proof(index, leaves[:k]), root(leaves[k:])]
    return [*inclusion_proof(index - k, leaves[k:]), root(leaves[:k])]


def consistency_proof(old_size: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 6962 §2.1.2."""
    if not 0 < old_size <= len(leaves):
        raise ProofError(f"no consistency proof from size {old_size} to size {len(leaves)}")
    return _subproof(old_size, leaves, True)


def _subproof(m: int, leaves: Sequence[bytes], complete: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if complete else [root(leaves)]
    k = _split(n)
    if m <= k:
        return [*_subproof(m, leaves[:k], complete), root(leaves[k:])]
    return [*_subproof(m - k, leaves[k:], False), root(leaves[:k])]


# --- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) ----------------------------------------------------------------


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], expected_root: bytes
) -> None:
    """Raise :class:`ProofError` unless ``leaf`` (a leaf hash) is leaf ``index`` of the tree of ``size`` leaves
    whose root is ``expected_root``."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of {size} leaves")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the inclusion proof is longer than the tree is deep")
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the inclusion proof is shorter than the tree is deep")
    if r != expected_root:
        raise ProofError("the inclusion proof does not lead to the signed root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Raise :class:`ProofError` unless the tree of ``new_size`` leaves extends the tree of ``old_size``."""
    if not 0 < old_size <= new_size:
        raise ProofError(f"sizes {old_size} → {new_size} cannot be consistent")
    if old_size == new_size:
        if proof:
            raise ProofError("a proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError("the same size with two different roots")
        return
    if not proof:
        raise ProofError("the consistency proof is empty")
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is a node of the new tree
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn % 2 == 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is longer than the trees are deep")
        if fn % 2 == 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the consistency proof is shorter than the trees are deep")
    if fr != old_root:
        raise ProofError("the consistency proof does not lead to the old root")
    if sr != new_root:
        raise ProofError("the consistency proof does not lead to the new root")


# --- signed tree heads -----------------------------------------------------------------------------------------


def _signed_bytes(head: dict[str, Any]) -> bytes:
    fields = {key: head[key] for key in ("schema", "tree_size", "root_hash", "timestamp", "key_id")}
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode("utf-8")


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign_tree_head(
    private: Ed25519PrivateKey, tree_size: int, root_hash: bytes, timestamp: str
) -> dict[str, Any]:
    head: dict[str, Any] = {
        "schema": TREE_HEAD_SCHEMA,
        "tree_size": tree_size,
        "root_hash": root_hash.hex(),
        "timestamp": timestamp,
        "key_id": key_id(private.public_key()),
    }
    head["signature"] = base64.b64encode(private.sign(_signed_bytes(head))).decode("ascii")
    return head


def verify_tree_head(head: dict[str, Any], public: Ed25519PublicKey) -> tuple[int, bytes]:
    """The (size, root) a signed tree head vouches for; :class:`ProofError` when its signature does not verify."""
    try:
        signature = base64.b64decode(head["signature"], validate=True)
        public.verify(signature, _signed_bytes(head))
        return int(head["tree_size"]), bytes.fromhex(head["root_hash"])
    except (KeyError, ValueError, TypeError) as exc:
        raise ProofError(f"malformed tree head: {exc}") from exc
    except InvalidSignature as exc:
        raise ProofError("the tree head's signature does not verify with this key") from exc


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ProofError(
            "the signing key must be an Ed25519 private key (openssl genpkey -algorithm ed25519)"
        )
    return key


def load_public_key(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ProofError("the key must be an Ed25519 public key")
    return key


# --- the standalone verifier -----------------------------------------------------------------------------------


def check_inclusion_document(head: dict[str, Any], proof: dict[str, Any], public: Ed25519PublicKey) -> str:
    """Verify an inclusion proof (``ledger prove SEQ``) against a signed tree head; the line to print."""
    size, signed_root = verify_tree_head(head, public)
    if int(proof["tree_size"]) != size:
        raise ProofError(f"the proof is for a tree of {proof['tree_size']} leaves, the head signs {size}")
    leaf = leaf_hash(bytes.fromhex(proof["event_hash"]))
    path = [bytes.fromhex(node) for node in proof["audit_path"]]
    verify_inclusion(leaf, int(proof["leaf_index"]), size, path, signed_root)
    return f"ok: event {proof['seq']} ({proof['event_hash']}) is in the signed tree of {size} events"


def check_consistency_document(
    old: dict[str, Any], new: dict[str, Any], proof: dict[str, Any], public: Ed25519PublicKey
) -> str:
    """Verify a consistency proof (``ledger prove --consistency``) between two signed tree heads."""
    old_size, old_root = verify_tree_head(old, public)
    new_size, new_root = verify_tree_head(new, public)
    if (int(proof["old_size"]), int(proof["tree_size"])) != (old_size, new_size):
        raise ProofError("the proof is for other tree sizes than the two heads")
    verify_consistency(old_size, new_size, old_root, new_root, [bytes.fromhex(n) for n in proof["path"]])
    return f"ok: the tree of {new_size} events extends the tree of {old_size}"


def main(argv: Sequence[str]) -> int:
    """``proofs.py inclusion HEAD PROOF KEY`` or ``proofs.py consistency OLD_HEAD NEW_HEAD PROOF KEY``."""

    def load(path: str) -> Any:
        with open(path, "rb") as stream:
            return json.load(stream)

    try:
        if len(argv) == 4 and argv[0] == "inclusion":
            with open(argv[3], "rb") as stream:
                print(check_inclusion_document(load(argv[1]), load(argv[2]), load_public_key(stream.read())))
        elif len(argv) == 5 and argv[0] == "consistency":
            with open(argv[4], "rb") as stream:
                public = load_public_key(stream.read())
            print(check_consistency_document(load(argv[1]), load(argv[2]), load(argv[3]), public))
        else:
            print(main.__doc__, file=sys.stderr)
            return 2
    except (ProofError, OSError, ValueError, KeyError) as exc:
        print(f"proof refused: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
