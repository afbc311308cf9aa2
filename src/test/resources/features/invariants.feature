Feature: Invariants alone
  A declined purchase whose steps assert nothing: whatever fails here, the invariants caught it.

  Scenario: a purchase declined for insufficient funds, judged by the invariants only
    Given the bank answers "51"
    When the cardholder pays 20.00 by swiping card "stripe-unionpay" with the right PIN
