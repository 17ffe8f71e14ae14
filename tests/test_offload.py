"""stepvid.offload: a component visits the device for one stage; its host weights come back without a copy
unless they changed there. The "device" here is a CPU copy (``clone``), so which storage ends on the host and
how many copies back were made can be checked exactly; the meta device checks the Parameter-swap path."""

import pytest
import torch

from stepvid.offload import move_in, move_out, on_device


class Counter:
    def __init__(self):
        self.n = 0

    def __call__(self, t):
        self.n += 1
        return t.clone()


def _model():
    torch.manual_seed(0)
    m = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 3))
    m[2].weight = torch.nn.Parameter(torch.randn(3, 4))
    return m


def _state(m):
    return {k: v.detach().clone() for k, v in m.state_dict().items()}


@pytest.mark.parametrize("inference", [False, True])
def test_unchanged_weights_come_back_without_a_copy(inference):
    m = _model().eval()
    before, params = _state(m), list(m.parameters())
    ptrs = {k: v.data_ptr() for k, v in m.state_dict().items()}
    to_dev, to_host = Counter(), Counter()
    ctx = torch.inference_mode() if inference else torch.no_grad()
    with ctx:
        moved = move_in(m, to_dev)
        assert all(v.data_ptr() != ptrs[k] for k, v in m.state_dict().items())  # the stage sees the copies
        m(torch.randn(2, 3))
        move_out(moved, to_host)
    assert to_dev.n == len(ptrs) and to_host.n == 0
    assert {k: v.data_ptr() for k, v in m.state_dict().items()} == ptrs  # the host storage itself
    assert all(a is b for a, b in zip(m.parameters(), params))
    for k, v in m.state_dict().items():
        assert torch.equal(v, before[k]), k


@pytest.mark.parametrize("inference", [False, True])
def test_weights_changed_on_the_device_are_copied_back(inference):
    m = _model().train()
    before = _state(m)
    to_host = Counter()
    ctx = torch.inference_mode() if inference else torch.no_grad()
    with ctx:
        moved = move_in(m, Counter())
        m[0].weight.mul_(2)  # written in place
        m[2].bias = torch.nn.Parameter(torch.zeros(3))  # replaced
        m(torch.randn(5, 3))  # BatchNorm's running statistics update in place
        move_out(moved, to_host)
    assert to_host.n == 5  # the weight, the bias, and a training-mode norm's three buffers
    torch.testing.assert_close(m[0].weight, 2 * before["0.weight"], rtol=0, atol=0)
    assert torch.equal(m[2].bias, torch.zeros(3))
    assert not torch.equal(m[1].running_mean, before["1.running_mean"])
    assert int(m[1].num_batches_tracked) == 1
    assert torch.equal(m[2].weight, before["2.weight"]) and torch.equal(m[0].bias, before["0.bias"])


def test_tied_weights_move_once_and_stay_tied():
    a, b = torch.nn.Linear(4, 4), torch.nn.Linear(4, 4)
    b.weight = a.weight
    m = torch.nn.ModuleList([a, b])
    to_dev = Counter()
    moved = move_in(m, to_dev)
    assert to_dev.n == 3 and a.weight is b.weight  # one weight, two biases
    move_out(moved, Counter())
    assert a.weight is b.weight


def test_meta_device_swaps_parameters_and_puts_the_originals_back():
    m = _model().eval()
    params, before = list(m.parameters()), _state(m)
    with on_device(m, "meta"):
        assert all(p.device.type == "meta" for p in m.parameters())
        assert m[1].running_mean.device.type == "meta"
    assert all(a is b for a, b in zip(m.parameters(), params))
    for k, v in m.state_dict().items():
        assert v.device.type == "cpu" and torch.equal(v, before[k]), k


def test_a_non_module_component_moves_with_to():
    seen = []

    class Holder:
        def to(self, device):
            seen.append(torch.device(device).type)
            return self

    with on_device(Holder(), "meta"):
        assert seen == ["meta"]
    assert seen == ["meta", "cpu"]


def test_a_failed_move_in_leaves_the_module_on_the_host():
    """Out of device memory half way through: what was moved goes back (no copy), nothing stays on the device."""
    m = _model().eval()
    before, ptrs = _state(m), {k: v.data_ptr() for k, v in m.state_dict().items()}
    calls = []

    def flaky(t):
        if len(calls) == 3:
            raise torch.OutOfMemoryError("device full")
        calls.append(1)
        return t.clone()

    with pytest.raises(torch.OutOfMemoryError):
        move_in(m, flaky)
    assert {k: v.data_ptr() for k, v in m.state_dict().items()} == ptrs
    for k, v in m.state_dict().items():
        assert torch.equal(v, before[k]), k
