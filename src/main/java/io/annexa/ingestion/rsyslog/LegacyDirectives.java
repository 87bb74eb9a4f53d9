package io.annexa.ingestion.rsyslog;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Canonical spellings of the common legacy {@code $} directives. rsyslog reads their names case-insensitively,
 * so {@code $filecreatemode} is the {@code $FileCreateMode} rules look for; names not listed keep their spelling.
 */
final class LegacyDirectives {

    private static final String NAMES = """
            $ActionFileDefaultTemplate $ActionFileEnableSync $ActionQueueFileName $ActionQueueMaxDiskSpace
            $ActionQueueSaveOnShutdown $ActionQueueType $ActionResumeRetryCount $ActionSendStreamDriver
            $ActionSendStreamDriverAuthMode $ActionSendStreamDriverMode $ActionSendStreamDriverPermittedPeer
            $AllowedSender $CreateDirs $DefaultNetstreamDriver $DefaultNetstreamDriverCAFile
            $DefaultNetstreamDriverCertFile $DefaultNetstreamDriverKeyFile $DirCreateMode $DirGroup $DirOwner
            $EscapeControlCharactersOnReceive $FileCreateMode $FileGroup $FileOwner $IMJournalStateFile
            $IncludeConfig $InputTCPServerRun $InputTCPServerStreamDriverAuthMode $InputTCPServerStreamDriverMode
            $MainMsgQueueSize $MaxMessageSize $ModLoad $OmitLocalLogging $PreserveFQDN $PrivDropToGroup
            $PrivDropToUser $RepeatedMsgReduction $RuleSet $SystemLogSocketName $UDPServerAddress $UDPServerRun
            $Umask $WorkDirectory""";

    private static final Map<String, String> CANONICAL = new HashMap<>();

    static {
        for (String name : NAMES.split("\\s+")) {
            CANONICAL.put(name.toLowerCase(Locale.ROOT), name);
        }
    }

    private LegacyDirectives() {
    }

    static String canonical(String written) {
        return CANONICAL.getOrDefault(written.toLowerCase(Locale.ROOT), written);
    }
}
