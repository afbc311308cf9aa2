Feature: An approved purchase, the control
  Every failure path is judged against this: the same rig, deck, terminal and bank approve a
  purchase when nothing is wrong. If this fails, the bench is broken, not the failure paths.

  @control
  Scenario: a chip card with the right online PIN is approved
    When the cardholder pays 100.00 by inserting card "chip-visa" with the right PIN
    Then the terminal shows APPROVED
    And the authorization carried a PIN block, not the clear PIN
    And the bank received 1 authorization
    And the bank received no reversal

  @control
  Scenario: a stripe card with the right online PIN is approved
    When the cardholder pays 35.80 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows APPROVED
    And the authorization carried a PIN block, not the clear PIN
    And the bank received no reversal

  @control
  Scenario: a 19-digit UnionPay debit card swiped with the right online PIN is approved
    When the cardholder pays 35.80 by swiping card "unionpay-debit-19" with the right PIN
    Then the terminal shows APPROVED
    And the authorization carried a PIN block, not the clear PIN
    And the bank received no reversal
