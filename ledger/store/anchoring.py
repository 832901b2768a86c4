"""The event log as a Merkle tree (:mod:`ledger.model.proofs`): tree heads, signed heads, inclusion and consistency
proofs, computed from the events table. What they prove is checked by :mod:`ledger.model.proofs` alone."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from ledger.clock import now_text
from ledger.errors import LedgerError, NotFoundError
from ledger.model import proofs
from ledger.store.schema import EventRow


def leaves(session: Session, size: int | None = None) -> list[bytes]:
    """Leaf hashes of the first ``size`` events (all by default); leaf i is event seq i + 1."""
    query = select(EventRow.hash).order_by(col(EventRow.seq))
    if size is not None:
        query = query.limit(size)
    found = [proofs.leaf_hash(bytes.fromhex(h)) for h in session.exec(query)]
    if size is not None and len(found) < size:
        raise NotFoundError(f"the ledger has {len(found)} events, not {size}")
    return found


def signed_tree_head(session: Session, private_key_pem: bytes) -> dict[str, Any]:
    """The current tree head, signed with an Ed25519 key kept outside the database."""
    try:
        key = proofs.load_private_key(private_key_pem)
    except (ValueError, TypeError, proofs.ProofError) as exc:
        raise LedgerError(f"cannot use the signing key: {exc}") from exc
    tree = leaves(session)
    if not tree:
        raise LedgerError("the ledger is empty: no events to sign")
    return proofs.sign_tree_head(key, len(tree), proofs.root(tree), now_text())


def inclusion(session: Session, seq: int, size: int | None = None) -> dict[str, Any]:
    """The inclusion proof of event ``seq`` in the tree of ``size`` events (the whole log by default)."""
    tree = leaves(session, size)
    if not 1 <= seq <= len(tree):
        raise NotFoundError(f"no event {seq} in a tree of {len(tree)} events")
    event_hash = session.exec(select(EventRow.hash).where(EventRow.seq == seq)).one()
    return {
        "seq": seq,
        "event_hash": event_hash,
        "leaf_index": seq - 1,
        "tree_size": len(tree),
        "root_hash": proofs.root(tree).hex(),
        "audit_path": [node.hex() for node in proofs.inclusion_proof(seq - 1, tree)],
    }


def consistency(session: Session, old_size: int, size: int | None = None) -> dict[str, Any]:
    """The consistency proof from the tree of ``old_size`` events to the tree of ``size`` (the whole log)."""
    tree = leaves(session, size)
    try:
        path = proofs.consistency_proof(old_size, tree)
    except proofs.ProofError as exc:
        raise LedgerError(str(exc)) from exc
    return {
        "old_size": old_size,
        "tree_size": len(tree),
        "old_root_hash": proofs.root(tree[:old_size]).hex(),
        "root_hash": proofs.root(tree).hex(),
        "path": [node.hex() for node in path],
    }
