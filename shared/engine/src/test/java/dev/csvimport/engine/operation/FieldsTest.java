package dev.csvimport.engine.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FieldsTest {

  @Test
  void behavesAsALinkedHashMapUnderAnyPuts() {
    Random random = new Random(20261123L);
    for (int round = 0; round < 2_000; round++) {
      Fields<Object> fields = new Fields<>();
      Map<String, Object> reference = new LinkedHashMap<>();
      int names = 1 + random.nextInt(random.nextBoolean() ? 6 : 40);
      for (int put = random.nextInt(60); put > 0; put--) {
        // Equal names as other string objects too: found by equality, not only identity.
        String name =
            random.nextBoolean()
                ? "n" + random.nextInt(names)
                : new String("n" + random.nextInt(names));
        Object value = random.nextInt(5) == 0 ? null : random.nextInt(100);
        if (!reference.containsKey(name) && random.nextBoolean()) {
          reference.put(name, value);
          fields.append(name, value);
        } else {
          assertEquals(reference.put(name, value), fields.put(name, value));
        }
      }
      assertEquals(reference, fields);
      assertEquals(fields, reference);
      assertEquals(reference.hashCode(), fields.hashCode());
      assertEquals(reference.toString(), fields.toString());
      assertEquals(new ArrayList<>(reference.keySet()), new ArrayList<>(fields.keySet()));
      List<Object> inOrder = new ArrayList<>();
      for (int i = 0; i < fields.size(); i++) {
        inOrder.add(fields.valueAt(i));
        assertEquals(reference.get(fields.nameAt(i)), fields.get(fields.nameAt(i)));
      }
      assertEquals(new ArrayList<>(reference.values()), inOrder);
      for (int i = 0; i < names + 2; i++) {
        assertEquals(reference.containsKey("n" + i), fields.containsKey("n" + i));
        assertEquals(reference.get("n" + i), fields.get("n" + i));
      }
    }
  }

  @Test
  void entriesAreNeverRemoved() {
    Fields<Integer> fields = new Fields<>();
    fields.put("a", 1);
    assertThrows(UnsupportedOperationException.class, () -> fields.remove("a"));
    assertEquals(Map.of("a", 1), fields);
  }
}
