"""Signed tree heads and Merkle proofs of a real ledger, checked by the standalone verifier (a copy of
``ledger/model/proofs.py`` run on its own, in isolated mode): proofs verify on the honest ledger, and after a
consistent rewrite of the chain or the last events deleted the proofs against the heads signed before are refused."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text
from typer.testing import CliRunner

from cli.main import app
from ledger.pipeline.ingest import ingest_bytes
from ledger.store import Ledger
from tests.conftest import ROOT
from tests.reliability.tamper import _event_rows, _rechain, _with_payload, disable_append_only_triggers
from tests.support import key_value_layout, publication

runner = CliRunner()


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, Path]:
    key = Ed25519PrivateKey.generate()
    private = tmp_path / "signing.pem"  # outside the ledger
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    public = tmp_path / "signing.pub"
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private, public


@pytest.fixture
def verifier(tmp_path: Path) -> Path:
    """The verifier as an auditor has it: one file, nothing of the ledger around it."""
    folder = tmp_path / "auditor"
    folder.mkdir()
    copy = folder / "proofs.py"
    shutil.copy(ROOT / "ledger" / "model" / "proofs.py", copy)
    assert "ledger" not in "".join(
        line for line in copy.read_text().splitlines() if line.startswith(("from", "import"))
    )
    return copy


def cli(db: str, *args: str) -> str:
    result = runner.invoke(app, ["--db", db, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def save(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def check(verifier: Path, *args: Path | str) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-I", str(verifier), *map(str, args)],
        cwd=verifier.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.returncode, (done.stdout + done.stderr).strip()


def fill(ledger: Ledger, start: int, count: int) -> None:
    for i in range(start, start + count):
        ingest_bytes(ledger, publication(f"局{i}", 2024, ("经费", str(i))), name=f"p{i}.txt")


@pytest.mark.slow
def test_proofs_verify_standalone_and_a_rewrite_or_a_truncation_is_refused(
    db_url: str, tmp_path: Path, keys: tuple[Path, Path], verifier: Path
) -> None:
    private, public = keys
    with key_value_layout(), Ledger(db_url) as ledger:
        fill(ledger, 0, 3)
        old_head = save(tmp_path, "head1.json", cli(db_url, "digest", "--sign", str(private)))
        old_size = json.loads(old_head.read_text())["tree_size"]
        fill(ledger, 3, 3)
        new_head = save(tmp_path, "head2.json", cli(db_url, "digest", "--sign", str(private)))
        new_size = json.loads(new_head.read_text())["tree_size"]
        assert new_size > old_size

        proof = save(tmp_path, "p.json", cli(db_url, "prove", "2", "--size", str(old_size)))
        assert check(verifier, "inclusion", old_head, proof, public) == (
            0,
            f"ok: event 2 ({json.loads(proof.read_text())['event_hash']}) is in the signed tree of {old_size} events",
        )
        last = save(tmp_path, "last.json", cli(db_url, "prove", str(new_size)))
        assert check(verifier, "inclusion", new_head, last, public)[0] == 0
        extends = save(tmp_path, "c.json", cli(db_url, "prove", "--consistency", str(old_size)))
        assert check(verifier, "consistency", old_head, new_head, extends, public) == (
            0,
            f"ok: the tree of {new_size} events extends the tree of {old_size}",
        )
        # a proof against the wrong head, or a head signed by another key
        assert check(verifier, "inclusion", new_head, proof, public)[0] == 1
        other = Ed25519PrivateKey.generate().public_key()
        other_pub = save(
            tmp_path,
            "other.pub",
            other.public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            ).decode(),
        )
        code, said = check(verifier, "inclusion", old_head, proof, other_pub)
        assert (code, said) == (1, "proof refused: the tree head's signature does not verify with this key")

        # a consistent rewrite from event 2 on (triggers dropped, every hash recomputed): verify alone passes …
        with ledger.engine.begin() as connection:
            disable_append_only_triggers(connection)
            rows = _event_rows(connection)
            rows[1] = _with_payload(rows[1], filename="rewritten.txt")
            _rechain(connection, rows)
        assert runner.invoke(app, ["--db", db_url, "verify", "--skip-derived"]).exit_code == 0
        # … but the proofs against the heads signed before are refused
        forged = save(tmp_path, "p2.json", cli(db_url, "prove", "2", "--size", str(old_size)))
        code, said = check(verifier, "inclusion", old_head, forged, public)
        assert (code, said) == (1, "proof refused: the inclusion proof does not lead to the signed root")
        forged_extends = save(tmp_path, "c2.json", cli(db_url, "prove", "--consistency", str(old_size)))
        assert check(verifier, "consistency", old_head, new_head, forged_extends, public)[0] == 1

        # the last events deleted: the signed head's size can no longer be proven
        with ledger.engine.begin() as connection:
            disable_append_only_triggers(connection)
            connection.execute(text("DELETE FROM events WHERE seq > :s"), {"s": old_size})
        result = runner.invoke(app, ["--db", db_url, "prove", str(new_size)])
        assert result.exit_code == 1
        assert result.output.strip() == f"ledger: error: no event {new_size} in a tree of {old_size} events"
