import numpy as np

from engine.datasets import people


def test_shifted_table_is_the_texts_numbers():
    x, y, shift = people.table(shifted=True)
    np.testing.assert_array_equal(x, [[-2, -1], [25, 6], [17, 4], [-15, -6]])
    np.testing.assert_array_equal(y, [1, 0, 0, 1])
    np.testing.assert_array_equal(shift, [135, 66])


def test_always_zero_has_mse_one_half():
    _, y, _ = people.table()
    assert np.mean((y - 0.0) ** 2) == 0.5


def test_raw_table_has_no_shift():
    x, _, shift = people.table(shifted=False)
    np.testing.assert_array_equal(x, people.RAW)
    np.testing.assert_array_equal(shift, [0, 0])
