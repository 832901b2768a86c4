import tempfile
from typer.testing import CliRunner
from cli.main import app
d=tempfile.mkdtemp(); url=f"sqlite:///{d}/l.db"
r=CliRunner()
print(r.invoke(app,["--db",url,"ingest","samples/gaoxin/gaoxin-hrss-2024-self-evaluation.txt"]).output)
print(r.invoke(app,["--db",url,"ingest","samples/seeds/gaoxin-hrss-2024-targets.txt"]).output)
res=r.invoke(app,["--db",url,"results","高新区@2024/project-self-evaluation"]); print(res.exit_code, res.output)
