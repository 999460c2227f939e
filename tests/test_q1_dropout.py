"""Chapter Q1's dropout functions (the cell the reader sees), against nn.Dropout and the seed."""

import pytest
import torch

from conftest import load_definitions

Q1 = load_definitions("q1_generalization")

OUTPUT = torch.tensor(
    [
        [1.6, -0.7, -0.2, 1.9],
        [-2.3, 2.5, 2.5, -0.9],
        [-0.5, 3.2, 3.7, -0.4],
        [1.3, -0.4, -2.6, 1.2],
    ]
)
MASK = torch.tensor([[1.0, 0, 0, 1], [0, 1, 1, 0], [0, 1, 1, 0], [1, 0, 0, 1]])


def test_estimated_p_and_the_answer_sheets_tables():
    p = Q1["estimate_p"](MASK)
    assert p == 0.5
    train = Q1["dropout_train"](OUTPUT, MASK)
    assert torch.equal(train != 0, MASK.bool())
    assert torch.equal(train[MASK.bool()], OUTPUT[MASK.bool()])
    table4 = torch.tensor(
        [
            [0.8, -0.35, -0.1, 0.95],
            [-1.15, 1.25, 1.25, -0.45],
            [-0.25, 1.6, 1.85, -0.2],
            [0.65, -0.2, -1.3, 0.6],
        ]
    )
    assert torch.allclose(Q1["dropout_test"](OUTPUT, p), table4)


@pytest.mark.parametrize("p", [0.2, 0.5, 0.7])
def test_inverted_dropout_equals_nn_dropout(p):
    torch.manual_seed(1)
    x = torch.rand(64, 32) + 0.1  # no zeros, so the mask is recoverable
    layer = torch.nn.Dropout(p).train()
    out = layer(x)
    mask = (out != 0).float()
    assert torch.allclose(
        out, Q1["inverted_dropout_train"](x, mask, p), rtol=1e-6, atol=0
    )
    assert torch.equal(layer.eval()(x), x)


def test_both_conventions_have_the_test_output_as_expectation():
    g = torch.Generator().manual_seed(0)
    masks = (torch.rand(50_000, 4, 4, generator=g) >= 0.3).float()
    classic = Q1["dropout_train"](OUTPUT, masks).mean(0)
    inverted = Q1["inverted_dropout_train"](OUTPUT, masks, 0.3).mean(0)
    assert torch.allclose(classic, Q1["dropout_test"](OUTPUT, 0.3), atol=0.03)
    assert torch.allclose(inverted, OUTPUT, atol=0.04)
    assert Q1["estimate_p"](masks[0]) in {k / 16 for k in range(17)}
