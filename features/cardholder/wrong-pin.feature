Feature: Verifying the cardholder by online PIN
  The issuer checks the PIN block; the terminal shows what the issuer said, and the clear PIN
  never leaves the PIN pad.

  @CV-01
  Scenario: a wrong online PIN is declined with 55
    Given the bank answers "55"
    When the cardholder pays 48.00 by swiping card "stripe-unionpay" with a wrong PIN
    Then the terminal shows INCORRECT_PIN
    And the authorization carried a PIN block, not the clear PIN
    And the bank received no reversal
    And the terminal never showed APPROVED

  @CV-02
  Scenario: three wrong PINs in a row lock the PIN at the bank
    Given the bank counts wrong PINs and locks the PIN on the third
    When the cardholder pays 88.00 by swiping card "stripe-unionpay" with a wrong PIN
    Then the terminal shows INCORRECT_PIN
    When the cardholder pays 88.00 by swiping card "stripe-unionpay" with a wrong PIN
    Then the terminal shows INCORRECT_PIN
    When the cardholder pays 88.00 by swiping card "stripe-unionpay" with a wrong PIN
    Then the terminal shows PIN_TRIES_EXCEEDED
    When the cardholder pays 88.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows PIN_TRIES_EXCEEDED
    And the bank received 4 authorizations
    And the terminal never showed APPROVED
