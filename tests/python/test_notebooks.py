"""The notebooks are stored without outputs and execute headless from analysis/notebooks."""
import os
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "analysis" / "notebooks"
NAMES = ["01_baseline_walkthrough.ipynb", "02_policy_what_if.ipynb", "03_sweep_and_sensitivity.ipynb"]


def _has_sweep(corridor) -> bool:
    return subprocess.run([corridor, "sweep", "--help"], capture_output=True).returncode == 0


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_saved_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def _outputs_text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                parts.append(o["text"])
            elif "data" in o:
                parts.append(o["data"].get("text/plain", ""))
    return "\n".join(parts)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_executes(name, corridor, tmp_path, monkeypatch):
    if name.startswith("03") and not _has_sweep(corridor):
        pytest.skip("this corridor has no `sweep` command")
    # The kernel inherits this environment: PYTHONPATH=analysis is relative to the repository
    # root, which the notebook cannot rely on from analysis/notebooks, so it is set that way.
    monkeypatch.setenv("PYTHONPATH", "analysis")
    monkeypatch.setenv("CORRIDOR_BIN", corridor)
    monkeypatch.setenv("CORRIDOR_NB_OUT", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=600,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    text = _outputs_text(nb)
    images = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert "Traceback" not in text
    if name.startswith("01"):
        assert images >= 7  # trade, routes, queues, arrivals, RMB, investment, network
        assert (tmp_path / "baseline.h5").is_file()
        assert (tmp_path / "baseline_headline_annual.csv").is_file()
        assert "bilateral_trade_cn_side" in text
    elif name.startswith("03"):
        _check_sweep_notebook(tmp_path, text, images)
    else:
        assert images >= 3
        assert sorted(p.name for p in tmp_path.glob("*.h5")) == sorted(
            f"{c}_s{s}.h5" for c in ("baseline", "no_visa_free", "no_rmb_clearing", "no_tourism_year",
                                     "transit_fee_doubled") for s in (1, 2))
        assert (tmp_path / "policy_differences.csv").is_file()
        assert "visa_free" in text and "transit_fee_doubled" in text


def _check_sweep_notebook(out: Path, text: str, images: int):
    import numpy as np
    import pandas as pd
    import corridor_analysis as ca

    assert images >= 6  # two scatters, two Sobol charts, trajectories, rank correlations
    sw = ca.open_sweep(out / "sweep")
    k = len(ca.parameter_columns(sw))
    assert k == 4 and sw.attrs["design"] == "sobol"
    assert len(sw) == 16 * (k + 2) and (sw["status"] == "complete").all()
    # The reader gives the same table from the simulator's index.h5 and index.csv.
    pd.testing.assert_frame_equal(ca.open_sweep(out / "sweep" / "index.h5"),
                                  ca.open_sweep(out / "sweep" / "index.csv"))
    si = pd.read_csv(out / "sobol_indices_2030.csv")
    assert set(si["outcome"]) == {"trade_cn_kz_2030", "transit_teu_kz_2030"}
    assert len(si) == 2 * k and np.isfinite(si[["S1", "ST", "ST_lo", "ST_hi"]].to_numpy()).all()
    assert "most influential" in text and "equals the index's out:transit_teu_kz_2030" in text
