Feature: The issuer declines
  The terminal shows the issuer's answer, sends no reversal for a definitive decline, and never
  shows APPROVED. Response codes and their canonical outcomes as in failure-paths.md.

  Scenario Outline: the issuer declines with <code>: <meaning>
    Given the bank answers "<code>"
    When the cardholder pays 120.00 by inserting card "chip-visa" with the right PIN
    Then the terminal shows <outcome>
    And the bank received no reversal
    And the terminal never showed APPROVED

    @ID-01
    Examples: cardholder authentication failed
      | code | meaning                                 | outcome                 |
      | 05   | cardholder authentication failed        | CARDHOLDER_AUTH_FAILED  |

    @ID-02
    Examples: merchant or terminal not real-name registered
      | code | meaning                                 | outcome                 |
      | 03   | invalid merchant                        | TERMINAL_NOT_REGISTERED |
      | 97   | terminal not registered                 | TERMINAL_NOT_REGISTERED |

    @ID-03
    Examples: the issuer says the card expired
      | code | meaning                                 | outcome                 |
      | 54   | expired card                            | CARD_EXPIRED            |

    @ID-04
    Examples: lost card
      | code | meaning                                 | outcome                 |
      | 41   | lost card, pick up                      | PICK_UP_CARD            |

    @ID-05
    Examples: stolen card
      | code | meaning                                 | outcome                 |
      | 43   | stolen card, pick up                    | PICK_UP_CARD            |

    @ID-06
    Examples: restricted card
      | code | meaning                                 | outcome                 |
      | 62   | restricted card                         | RESTRICTED_CARD         |

    @ID-07
    Examples: not permitted to this cardholder
      | code | meaning                                 | outcome                 |
      | 57   | not permitted to cardholder             | NOT_PERMITTED           |

    @ID-08
    Examples: not permitted at this terminal
      | code | meaning                                 | outcome                 |
      | 58   | not permitted at this terminal          | NOT_PERMITTED_HERE      |

    @ID-09
    Examples: amount limit
      | code | meaning                                 | outcome                 |
      | 61   | amount limit exceeded                   | LIMIT_EXCEEDED          |

    @ID-10
    Examples: frequency limit
      | code | meaning                                 | outcome                 |
      | 65   | frequency limit exceeded                | FREQUENCY_EXCEEDED      |

    @ID-11
    Examples: suspected fraud
      | code | meaning                                 | outcome                 |
      | 59   | suspected fraud, card check failed      | SUSPECTED_FRAUD         |

    @ID-12
    Examples: invalid card number
      | code | meaning                                 | outcome                 |
      | 14   | invalid card number                     | INVALID_CARD            |

    @ID-13
    Examples: no such issuer
      | code | meaning                                 | outcome                 |
      | 15   | no such issuer                          | INVALID_CARD            |

    @ID-14
    Examples: card not activated or dormant
      | code | meaning                                 | outcome                 |
      | 78   | card not activated                      | CARD_NOT_ACTIVE         |
      | 21   | card not initialised (UnionPay)         | CARD_NOT_ACTIVE         |

    @ID-15
    Examples: closed or frozen account
      | code | meaning                                 | outcome                 |
      | 46   | closed account                          | ACCOUNT_CLOSED          |

    @ID-16
    Examples: a response code the terminal does not know
      | code         | meaning                          | outcome                 |
      | unknown-code | unknown response code Q7         | TRANSACTION_FAILED      |

    @ID-17
    Examples: insufficient funds, a decline that is not an authentication failure
      | code | meaning                                 | outcome                 |
      | 51   | insufficient funds                      | INSUFFICIENT_FUNDS      |

  Scenario Outline: the issuer declines a swiped card with <code>: <meaning>
    Given the bank answers "<code>"
    When the cardholder pays 120.00 by swiping card "stripe-unionpay" with the right PIN
    Then the terminal shows <outcome>
    And the bank received no reversal
    And the terminal never showed APPROVED

    @ID-01
    Examples: cardholder authentication failed, on a stripe
      | code | meaning                                 | outcome                 |
      | 05   | cardholder authentication failed        | CARDHOLDER_AUTH_FAILED  |

    @ID-05
    Examples: stolen card, on a stripe
      | code | meaning                                 | outcome                 |
      | 43   | stolen card, pick up                    | PICK_UP_CARD            |

    @ID-17
    Examples: insufficient funds, on a stripe
      | code | meaning                                 | outcome                 |
      | 51   | insufficient funds                      | INSUFFICIENT_FUNDS      |
