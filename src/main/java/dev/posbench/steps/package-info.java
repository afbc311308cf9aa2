/**
 * The Cucumber glue, in the payment domain's words. It ships in the main code so users write
 * their own features with it: {@code When the cardholder swipes card "chip-visa"},
 * {@code Given the bank answers "55"}, {@code Then the terminal shows INCORRECT_PIN},
 * {@code Then the bank received a reversal}. Every scenario is checked against the invariants
 * INV-1..INV-5 after its last step, and leaves its evidence in the Allure report.
 */
package dev.posbench.steps;
