namespace PartnerPipeline.Tests;

/// <summary>A fact that needs Chromium; skipped with a reason when it is not installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.Find() is null)
        {
            Skip = "Chromium is not installed: run `apt-get install -y chromium` (CI's .ci/run does) or set CHROMIUM_PATH.";
        }
    }
}
