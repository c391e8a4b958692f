// The judge of java-properties.ts: loads a .properties file exactly as Apache's FileConfigProvider does
// (java.util.Properties.load over a UTF-8 reader) and prints each entry as "<base64 key> <base64 value>", each
// file's entries after a line "== <file>". Test tooling only, run as a single-file program:
// java PropertiesDump.java <file>...
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Base64;
import java.util.Properties;

public class PropertiesDump {
    public static void main(String[] args) throws Exception {
        Base64.Encoder base64 = Base64.getEncoder();
        for (String file : args) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(Paths.get(file), StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
            System.out.println("== " + file);
            for (String key : properties.stringPropertyNames()) {
                String value = properties.getProperty(key);
                System.out.println(base64.encodeToString(key.getBytes(StandardCharsets.UTF_8)) + " "
                    + base64.encodeToString(value.getBytes(StandardCharsets.UTF_8)));
            }
        }
    }
}
