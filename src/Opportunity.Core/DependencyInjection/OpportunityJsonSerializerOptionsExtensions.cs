using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using Opportunity.Partners;
using Opportunity.Serialization;

namespace Opportunity;

/// <summary>
/// Makes <see cref="JsonSerializerOptions"/> serialize the library's types as an HTTP API should
/// return them, in the convention of NodaTime's <c>ConfigureForNodaTime</c>. Meant for the options
/// of ASP.NET Core (<c>builder.Services.ConfigureHttpJsonOptions(o =&gt; o.SerializerOptions.ConfigureForOpportunity())</c>);
/// the library's own stores and outbox keep their own document format and are not affected.
/// </summary>
public static class OpportunityJsonSerializerOptionsExtensions
{
    /// <summary>
    /// Adds converters so that every type the workflows, stores and engines return serializes without
    /// loss, and reads back to an equal value: ids (<see cref="TenantId"/>, <see cref="PartnerId"/>,
    /// <see cref="LeadId"/>, <see cref="OpportunityId"/>), <see cref="CurrencyCode"/> and
    /// <see cref="CountryCode"/> as their plain strings; enums as their names;
    /// <see cref="Money"/> as <c>{"amount":"123.45","currency":"EUR"}</c> with the amount an exact
    /// decimal string in the currency's minor units; <see cref="Probability"/> as a decimal number
    /// from 0 to 1; a <see cref="Forecasting.WeightedValue"/> exactly, in the shape of money with four more
    /// decimals (<c>{"amount":"432.075000","currency":"EUR"}</c>); NodaTime types in their ISO-8601 forms (NodaTime.Serialization's <c>ConfigureForNodaTime</c>
    /// with the TZDB provider); a <see cref="DomainEvent"/> held as its base type (an aggregate's
    /// pending events) with its concrete type's members. Converters already in <paramref name="options"/> keep precedence.
    /// </summary>
    /// <param name="options">Options not yet used (not read-only).</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="options"/> is read-only (already used for serialization).</exception>
    public static JsonSerializerOptions ConfigureForOpportunity(this JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);
        options.Converters.Add(new IdJsonConverter<TenantId>());
        options.Converters.Add(new IdJsonConverter<PartnerId>());
        options.Converters.Add(new IdJsonConverter<LeadId>());
        options.Converters.Add(new IdJsonConverter<OpportunityId>());
        options.Converters.Add(CodeJsonConverter.Currency);
        options.Converters.Add(CodeJsonConverter.Country);
        options.Converters.Add(new MoneyJsonConverter());
        options.Converters.Add(new ProbabilityJsonConverter());
        options.Converters.Add(new WeightedValueJsonConverter());
        options.Converters.Add(new BusinessCalendarJsonConverter());
        options.Converters.Add(new JsonStringEnumConverter());
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(DomainEventPolymorphism.Apply);
        return options;
    }
}
