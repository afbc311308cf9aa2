Feature: Verifying the cardholder
  The issuer checks online PINs, the chip checks offline PINs; the terminal shows what they said,
  and the clear PIN never leaves the PIN pad.

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

  @CV-03
  Scenario: a wrong offline PIN, checked by the chip, leaves tries and asks again
    When the cardholder pays 26.00 by inserting card "chip-unionpay-offline-pin" with a wrong PIN
    Then the terminal shows INCORRECT_PIN with 2 tries left
    And the bank received no authorization
    When the cardholder enters the PIN
    Then the terminal shows APPROVED

  @CV-04
  Scenario: a card whose offline PIN is blocked ends the transaction
    When a purchase of 26.00 is started
    And the cardholder inserts card "blocked-offline-pin"
    Then the terminal shows PIN_BLOCKED
    And the bank received no authorization

  @CV-04
  Scenario: three wrong offline PINs in one purchase block the PIN and end the transaction
    When the cardholder pays 26.00 by inserting card "offline-pin-to-block" with a wrong PIN
    Then the terminal shows INCORRECT_PIN with 2 tries left
    When the cardholder enters a wrong PIN
    Then the terminal shows INCORRECT_PIN with 1 try left
    When the cardholder enters a wrong PIN
    Then the terminal shows PIN_BLOCKED
    And the bank received no authorization
    And the terminal never showed APPROVED

  @CV-05
  Scenario: no PIN before the PIN-entry timeout
    When a purchase of 12.00 is started
    And the cardholder swipes card "stripe-unionpay"
    Then the terminal shows ENTER_PIN
    And the terminal shows TIMEOUT
    And the bank received no authorization
    And the bank received no reversal

  @CV-06
  Scenario: the cardholder cancels at the PIN prompt
    When a purchase of 12.00 is started
    And the cardholder swipes card "stripe-unionpay"
    Then the terminal shows ENTER_PIN
    When the cardholder presses CANCEL
    Then the terminal shows CANCELLED
    And the bank received no authorization
