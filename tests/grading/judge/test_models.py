"""A Keras model as evidence: loaded with ``safe_mode``, never executing student code."""

from __future__ import annotations

import base64
import os
import tempfile

import keras
import numpy as np
import pytest

from coursework.grading.judge.evidence import NotGradable, dumps, loads


def _refuse(obj, encode=None):
    raise NotGradable("not plain")


def test_a_model_of_keras_layers_round_trips_compiled():
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    back = loads(dumps(model, _refuse))
    assert [layer.units for layer in back.layers] == [2, 1]
    assert back.count_params() == model.count_params()
    assert isinstance(back.optimizer, keras.optimizers.Adam)
    x = np.ones((2, 3), dtype="float32")
    np.testing.assert_allclose(back.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_a_lambda_layer_is_refused_and_never_run(tmp_path):
    marker = tmp_path / "ran"
    code = f"lambda x: (open({str(marker)!r}, 'w').write('x'), x)[1]"
    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Lambda(eval(code))])
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.keras")
        model.save(path)
        marker.unlink(missing_ok=True)
        data = base64.b64encode(open(path, "rb").read()).decode()
    with pytest.raises(NotGradable, match="loaded safely"):
        loads('{"model": "%s"}' % data)
    assert not marker.exists(), "loading the evidence executed the lambda"


def test_a_custom_layer_is_refused():
    @keras.saving.register_keras_serializable(package="student")
    class Cheat(keras.layers.Layer):
        def call(self, x):
            return x

    model = keras.Sequential([keras.Input(shape=(2,)), Cheat()])
    text = dumps(model, _refuse)
    keras.saving.get_custom_objects().clear()  # the judge never has the student's classes
    with pytest.raises(NotGradable):
        loads(text)
