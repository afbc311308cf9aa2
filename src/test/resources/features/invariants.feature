Feature: Invariants alone
  A declined purchase whose steps assert nothing: whatever fails here, the invariants caught it.

  Scenario: a purchase declined for insufficient funds, judged by the invariants only
    Given the bank answers "51"
    When the cardholder pays 20.00 by swiping card "stripe-unionpay" with the right PIN

  Scenario: a purchase the bank never answers, judged by the invariants only
    Given the bank does not answer
    When the cardholder pays 66.00 by swiping card "stripe-unionpay" with the right PIN
