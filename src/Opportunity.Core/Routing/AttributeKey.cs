namespace Opportunity.Routing;

/// <summary>
/// A value of a partner attribute (a product line, language or certification) as numbered by a
/// <see cref="RoutingNetwork"/>: one bit of the partner rows, or <see cref="Overflow"/> when the
/// value is beyond the 64 most common ones and the partner's set must be asked.
/// </summary>
/// <param name="Mask">The value's bit; 0 when no partner of the network has the value.</param>
/// <param name="Overflow">True when the value has no bit.</param>
internal readonly record struct AttributeKey(ulong Mask, bool Overflow);
