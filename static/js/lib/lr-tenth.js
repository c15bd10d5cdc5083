// "Divide the learning rate by 10", as the playground's banners and the lab's stuck note offer
// it. Pure; tests/js/lab-plane-stuck.test.mjs.

/** The learning rate a tenth of `lr`, without float noise (0.7 / 10 is 0.06999999999999999;
 *  this gives 0.07, the number a person expects to see in the box). */
export const tenth = (lr) => Number((lr / 10).toPrecision(12));
