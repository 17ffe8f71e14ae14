"""Contact sheets (README samples, `stepvid world sheet`): thumbnail resize and grid layout."""

from __future__ import annotations

import numpy as np
import pytest

from stepvid.world.sheet import contact_sheet, resize_to_height


def test_resize_to_height_samples_pixel_centres():
    img = np.arange(4 * 6).reshape(4, 6, 1)
    out = resize_to_height(img, 2)  # 4x6 -> 2x3: rows 1, 3 (centres 1.0, 3.0), columns 1, 3, 5
    np.testing.assert_array_equal(out[..., 0], [[7, 9, 11], [19, 21, 23]])
    assert resize_to_height(img, 8).shape == (8, 12, 1)  # upscaling repeats pixels
    np.testing.assert_array_equal(resize_to_height(img, 8)[::2, ::2], img)


def test_contact_sheet_layout_without_captions():
    clips = [np.full((10, 8, 8, 3), 50, np.uint8), np.full((3, 8, 16, 3), 100, np.uint8)]
    sheet = contact_sheet(clips, frames_per_row=4, thumb_height=8, pad=2)
    # row 0: 4 thumbs 8 wide + 3 pads = 38; row 1: 3 thumbs 16 wide + 2 pads = 52 (the width); rows 8 + 2 + 8
    assert sheet.shape == (18, 52, 3) and sheet.dtype == np.uint8
    assert (sheet[:8, :8] == 50).all() and (sheet[:8, 8:10] == 255).all() and (sheet[:8, 38:] == 255).all()
    assert (sheet[8:10] == 255).all() and (sheet[10:, :16] == 100).all()


def test_contact_sheet_rejects_bad_input():
    with pytest.raises(ValueError, match="at least one clip"):
        contact_sheet([])
    with pytest.raises(ValueError, match="2 captions for 1 clips"):
        contact_sheet([np.zeros((1, 8, 8, 3), np.uint8)], captions=["a", "b"])
