using System.Text.Json;
using System.Text.Json.Serialization;
using Opportunity.Partners;

namespace Opportunity.Serialization;

/// <summary>
/// A partner's <see cref="IBusinessCalendar"/> with the members of its own type (a
/// <see cref="BusinessCalendar"/>'s zone, weekly hours, holidays and overrides), not only the
/// interface's; read back as a <see cref="BusinessCalendar"/>.
/// </summary>
internal sealed class BusinessCalendarJsonConverter : JsonConverter<IBusinessCalendar>
{
    public override IBusinessCalendar? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<BusinessCalendar>(ref reader, options);

    public override void Write(Utf8JsonWriter writer, IBusinessCalendar value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, value.GetType(), options);
}
