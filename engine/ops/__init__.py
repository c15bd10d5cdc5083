"""Pure forward/backward pairs, each with a slow loop reference beside it.

Layout: every op here works channels-last, images as ``(N, H, W, C)``; the references take the
same arrays and loop the textbook formula. ``forward(...) -> (out, cache)``;
``backward(dout, cache) -> gradients``. No op holds state or draws random numbers itself.
"""
