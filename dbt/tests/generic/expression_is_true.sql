{#
  Row-level invariant: every row satisfies `expression` (a SQL boolean over the model's columns).
  Used for money rules such as order_total = subtotal - discount_total + shipping_fee + tax.
  Fails with the offending rows.
#}
{% test expression_is_true(model, expression) %}

select *
from {{ model }}
where not ({{ expression }})

{% endtest %}
