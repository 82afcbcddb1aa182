import django_filters
from django.db.models import Q

from retail.errors import InvalidGtinError
from retail.gtin import gtin14
from retail.models import Channel, Product, Store
from retail.selectors import category_with_descendants


class ChannelFilter(django_filters.FilterSet):
    country = django_filters.CharFilter(field_name="country", lookup_expr="iexact")

    class Meta:
        model = Channel
        fields = ["kind", "country", "currency", "is_active"]


class StoreFilter(django_filters.FilterSet):
    country = django_filters.CharFilter(field_name="country", lookup_expr="iexact")
    city = django_filters.CharFilter(field_name="city", lookup_expr="iexact")

    class Meta:
        model = Store
        fields = ["country", "city", "kind", "click_and_collect", "ship_from_store", "is_active"]


class ProductFilter(django_filters.FilterSet):
    sku = django_filters.BaseInFilter(field_name="sku", help_text="One SKU or a comma list.")
    gtin = django_filters.CharFilter(
        method="filter_gtin", help_text="Any GTIN-8/12/13/14 of the product, as scanned."
    )
    category = django_filters.CharFilter(
        method="filter_category", help_text="Category code; includes its sub-categories."
    )
    brand = django_filters.CharFilter(field_name="brand__code")
    q = django_filters.CharFilter(method="filter_search", help_text="Words in the name or SKU.")

    class Meta:
        model = Product
        fields = ["sku", "gtin", "category", "brand", "is_active", "q"]

    def filter_gtin(self, queryset, name, value):
        try:
            key = gtin14(value)
        except InvalidGtinError as exc:
            exc.field = "gtin"
            raise
        return queryset.filter(gtins__gtin14=key)

    def filter_category(self, queryset, name, value):
        return queryset.filter(category__in=category_with_descendants(code=value))

    def filter_search(self, queryset, name, value):
        for word in value.split()[:8]:
            queryset = queryset.filter(Q(name__icontains=word) | Q(sku__icontains=word))
        return queryset
