"""The learning-curve benchmark's bookkeeping: a checkpoint's epoch is checked against
history.csv, and CPU time before the cpu_seconds column existed is counted as estimated."""

import pytest

from benchmarks.learning_curve import cpu_seconds_to, epoch_of, read_history


@pytest.fixture
def history(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(
        "stage,epoch,accuracy,loss,val_accuracy,val_loss,lr,seconds,cpu_seconds\n"
        "main,1,0.3,2.0,0.40,1.9,0.001,100,\n"  # rows written before the column existed
        "main,2,0.4,1.8,0.50,1.7,0.001,1500,\n"
        "main,3,0.5,1.6,0.50,1.6,0.001,90,170\n"
        "main,4,0.6,1.5,0.55,1.5,0.001,95,150\n"
    )
    return read_history(path)


def test_cpu_time_counts_the_median_for_unrecorded_epochs(history):
    assert cpu_seconds_to(history, 4) == (160 + 160 + 170 + 150, 2)
    assert cpu_seconds_to(history, 2) == (320, 2)


def test_a_named_checkpoint_must_match_its_epoch(history):
    assert epoch_of("snapshots/epoch4.keras", 0.55002, history) == 4
    assert epoch_of("snapshots/epoch3.keras", 0.5, history) == 3
    with pytest.raises(SystemExit, match="named epoch 4.*matches epochs \\[2, 3\\]"):
        epoch_of("epoch4.keras", 0.5, history)


def test_an_unnamed_checkpoint_must_match_one_epoch(history):
    assert epoch_of("model.keras", 0.40, history) == 1
    with pytest.raises(SystemExit, match="rename the file epochN.keras"):
        epoch_of("model.keras", 0.5, history)
    with pytest.raises(SystemExit, match="matches epochs none"):
        epoch_of("model.keras", 0.9, history)
