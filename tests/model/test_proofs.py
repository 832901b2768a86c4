"""The Merkle tree over the events (RFC 6962): roots against the recursive definition, every inclusion and
consistency proof of small trees verified, and adversarially — forged nodes, wrong sizes and indices, swapped nodes,
proofs cut short or padded, leaves posing as nodes, heads re-signed with another key — each refused."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ledger.model.proofs import (
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    sign_tree_head,
    verify_consistency,
    verify_inclusion,
    verify_tree_head,
)

SIZES = range(1, 18)


def reference_root(leaves: Sequence[bytes]) -> bytes:
    """MTH exactly as RFC 6962 §2.1 defines it (recursive, split at the largest power of two below n)."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


def tree(n: int) -> list[bytes]:
    return [leaf_hash(hashlib.sha256(str(i).encode()).digest()) for i in range(n)]


def flipped(node: bytes) -> bytes:
    return bytes([node[0] ^ 1]) + node[1:]


def test_the_empty_tree_and_the_reference_roots() -> None:
    assert root([]) == hashlib.sha256(b"").digest()
    for n in range(1, 70):
        assert root(tree(n)) == reference_root(tree(n))


@pytest.mark.parametrize("n", SIZES)
def test_every_inclusion_proof_verifies_and_every_forgery_fails(n: int) -> None:
    leaves = tree(n)
    top = root(leaves)
    for index in range(n):
        proof = inclusion_proof(index, leaves)
        verify_inclusion(leaves[index], index, n, proof, top)
        forgeries: list[tuple[bytes, int, int, list[bytes], bytes]] = [
            (flipped(leaves[index]), index, n, proof, top),  # another leaf
            (leaves[index], index, n, proof, flipped(top)),  # another root
            (leaves[index], index, n, [*proof, top], top),  # padded
        ]
        if proof:
            forgeries.append((leaves[index], index, n, proof[:-1], top))  # cut short
            for at in range(len(proof)):
                forged = list(proof)
                forged[at] = flipped(forged[at])
                forgeries.append((leaves[index], index, n, forged, top))  # a forged node
            if len(proof) > 1:
                forgeries.append((leaves[index], index, n, [proof[1], proof[0], *proof[2:]], top))  # swapped
        if n > 1:
            other = (index + 1) % n
            if leaves[other] != leaves[index]:
                forgeries.append((leaves[index], other, n, proof, top))  # wrong index
        # the head signs (size, root) together: a proof for n leaves against the root of n + 1
        forgeries.append((leaves[index], index, n + 1, proof, root(tree(n + 1))))
        forgeries.append((leaves[index], index + n, n, proof, top))  # index outside
        for leaf, at, size, path, expected in forgeries:
            with pytest.raises(ProofError):
                verify_inclusion(leaf, at, size, path, expected)


def test_an_inner_node_cannot_pose_as_a_leaf() -> None:
    leaves = tree(4)
    inner = node_hash(leaves[0], leaves[1])
    # the two-leaf subtree's hash, presented as leaf 0 of a two-leaf tree of inner nodes, must not verify
    with pytest.raises(ProofError):
        verify_inclusion(leaf_hash(inner), 0, 2, [node_hash(leaves[2], leaves[3])], root(leaves))


@pytest.mark.parametrize("n", SIZES)
def test_every_consistency_proof_verifies_and_every_forgery_fails(n: int) -> None:
    leaves = tree(n)
    new_root = root(leaves)
    for m in range(1, n + 1):
        old_root = root(leaves[:m])
        proof = consistency_proof(m, leaves)
        verify_consistency(m, n, old_root, new_root, proof)
        forgeries: list[tuple[int, int, bytes, bytes, list[bytes]]] = [
            (m, n, flipped(old_root), new_root, proof),
            (m, n, old_root, flipped(new_root), proof),
        ]
        if m < n:
            forgeries += [
                (m, n, old_root, new_root, []),  # empty
                (m, n, old_root, new_root, proof[:-1]),  # cut short
                (m, n, old_root, new_root, [*proof, new_root]),  # padded
                (n, m, new_root, old_root, proof),  # sizes swapped
                (m, n + 1, old_root, root(tree(n + 1)), proof),  # the proof to n against the head of n + 1
            ]
            if m > 1:
                forgeries.append((m - 1, n, old_root, new_root, proof))  # wrong old size
            for at in range(len(proof)):
                forged = list(proof)
                forged[at] = flipped(forged[at])
                forgeries.append((m, n, old_root, new_root, forged))
            if len(proof) > 1:
                forgeries.append((m, n, old_root, new_root, [proof[1], proof[0], *proof[2:]]))
        for old_size, new_size, old, new, path in forgeries:
            with pytest.raises(ProofError):
                verify_consistency(old_size, new_size, old, new, path)


def test_a_rewritten_prefix_is_not_consistent() -> None:
    leaves = tree(10)
    rewritten = [*leaves[:3], flipped(leaves[3]), *leaves[4:], *tree(12)[10:]]
    with pytest.raises(ProofError):
        verify_consistency(10, 12, root(leaves), root(rewritten), consistency_proof(10, rewritten))


def test_signed_tree_heads_verify_only_unchanged_and_with_their_key() -> None:
    key = Ed25519PrivateKey.generate()
    head = sign_tree_head(key, 7, root(tree(7)), "2026-12-08T01:00:00.000000Z")
    assert verify_tree_head(head, key.public_key()) == (7, root(tree(7)))
    for field, value in (("tree_size", 8), ("root_hash", "00" * 32), ("timestamp", "2027-01-01T00:00:00Z")):
        with pytest.raises(ProofError, match="signature does not verify"):
            verify_tree_head({**head, field: value}, key.public_key())
    with pytest.raises(ProofError, match="signature does not verify"):
        verify_tree_head(head, Ed25519PrivateKey.generate().public_key())
    with pytest.raises(ProofError, match="malformed"):
        verify_tree_head({**head, "signature": "not base64!"}, key.public_key())
